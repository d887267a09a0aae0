import t from 'tap';
import { centralCrop } from '../../src/imaging/central-crop.js';

t.test("follows tf.image.central_crop's arithmetic: start = int((n - n * f) / 2), size = n - 2 * start", async (t) => {
  // Expected values worked by hand; the odd sizes are also checked against TF itself in parity.test.ts.
  const cases: [number, number, { left: number; top: number; width: number; height: number }][] = [
    [450, 450, { left: 28, top: 28, width: 394, height: 394 }], // (450 - 393.75) / 2 = 28.125
    [640, 480, { left: 40, top: 30, width: 560, height: 420 }], // exact
    [257, 257, { left: 16, top: 16, width: 225, height: 225 }], // 16.0625
    [101, 77, { left: 6, top: 4, width: 89, height: 69 }], // 6.3125, 4.8125: truncated, not rounded
    [7, 9, { left: 0, top: 0, width: 7, height: 9 }], // 0.4375, 0.5625
    [1, 1, { left: 0, top: 0, width: 1, height: 1 }],
  ];
  for (const [width, height, box] of cases) t.same(centralCrop(width, height, 0.875), box, `${width}x${height}`);
  t.same(centralCrop(450, 301, 1), { left: 0, top: 0, width: 450, height: 301 }, 'fraction 1 keeps everything');
  t.same(centralCrop(100, 100, 0.5), { left: 25, top: 25, width: 50, height: 50 });
});

t.test('refuses a fraction outside (0, 1]', async (t) => {
  for (const fraction of [0, -0.5, 1.01, Number.NaN]) {
    t.throws(() => centralCrop(10, 10, fraction), RangeError, String(fraction));
  }
});
