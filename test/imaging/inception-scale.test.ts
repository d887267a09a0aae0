import t from 'tap';
import { inceptionScale } from '../../src/imaging/index.js';
import { normalize } from '../support/imaging/normalize.js';

t.test('inceptionScale gives the (x - mean) / scale form of x / 255 * (hi - lo) + lo', async (t) => {
  t.same(inceptionScale([-1, 1]), { mean: 127.5, scale: 127.5 });
  t.same(inceptionScale([0, 1]), { mean: 0, scale: 255 });
  t.same(inceptionScale([0, 255]), { mean: 0, scale: 1 });
  t.throws(() => inceptionScale([1, 1]), RangeError);
  t.throws(() => inceptionScale([1, -1]), RangeError);
});

t.test('normalize maps u8 into the range as float32', async (t) => {
  const pixels = Uint8Array.from([0, 1, 127, 128, 254, 255]);
  const out = normalize(pixels, [-1, 1]);
  t.type(out, Float32Array);
  // TF-Slim: (x / 255 - 0.5) * 2, rounded to float32.
  t.same(Array.from(out), Array.from(pixels, (x) => Math.fround((x / 255 - 0.5) * 2)));
  t.same(Array.from(normalize(pixels, [0, 1])), Array.from(pixels, (x) => Math.fround(x / 255)));
});
