import t from 'tap';
import { toPixelGrid } from '../../src/service/pixel-grid.js';

const mean = 127.5;
const scale = 127.5;

t.test('floats made from u8 pixels in any float order snap back to those pixels', async (t) => {
  const pixels = Uint8Array.from({ length: 256 }, (_, i) => i);
  const ways = [
    Float32Array.from(pixels, (u) => (u - mean) / scale),
    Float32Array.from(pixels, (u) => Math.fround(Math.fround(u / 127.5) - 1)),
    Float32Array.from(pixels, (u) => Math.fround(Math.fround(u * Math.fround(2 / 255)) - 1)),
  ];
  for (const values of ways) t.same(toPixelGrid(values, mean, scale), pixels);
});

t.test('off the grid, outside the range or NaN: null', async (t) => {
  t.equal(toPixelGrid(Float32Array.of(0.5 / 127.5 - 1), mean, scale), null, 'half a grey level');
  t.equal(toPixelGrid(Float32Array.of(1 + 2 / 255), mean, scale), null, 'one step above 1');
  t.equal(toPixelGrid(Float32Array.of(Number.NaN), mean, scale), null);
});
