import t from 'tap';
import { resizeBilinear } from '../../src/imaging/crop-resize.js';

// Values worked out by hand from TF's legacy mapping (source = dst * in/out, clamped at the edge).
t.test('upsampling 2x1 -> 4x1: half-way taps, then the clamped edge', async (t) => {
  const src = Uint8Array.from([0, 10, 100, 200, 110, 0]); // two RGB pixels
  const out = resizeBilinear(src, 2, 1, 4, 1);
  // x = 0, 0.5, 1, 1.5 -> pixel 0, the mean, pixel 1, pixel 1 (x1 clamped to the last column)
  t.same([...out], [0, 10, 100, 100, 60, 50, 200, 110, 0, 200, 110, 0]);
});

t.test('downsampling 4x4 -> 2x2 samples every other pixel: no antialiasing, as in TF', async (t) => {
  const src = new Uint8Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) src.fill(i * 10, i * 3, i * 3 + 3);
  const out = resizeBilinear(src, 4, 4, 2, 2);
  t.same([...out].filter((_, i) => i % 3 === 0), [0, 20, 80, 100]);
});

t.test('fractional weights round to nearest', async (t) => {
  const src = Uint8Array.from([0, 0, 0, 255, 255, 255, 0, 0, 0]); // 3x1
  const out = resizeBilinear(src, 3, 1, 2, 1); // x = 0, 1.5 -> 0 and (255 + 0) / 2 = 127.5 -> 128
  t.same([...out], [0, 0, 0, 128, 128, 128]);
});
