import { inceptionScale } from '../../../src/imaging/index.js';

/** Maps u8 pixels into `range` as float32 in TS: the reference the model's own scaling is checked against. */
export function normalize(pixels: Uint8Array, range: [number, number]): Float32Array {
  const { mean, scale } = inceptionScale(range);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i]! - mean) / scale;
  return out;
}
