import type { CropBox } from './central-crop.js';
import type { RgbImage } from './rgb-image.js';

// Why in TypeScript and not sharp: TF's legacy resize_bilinear (align_corners=False,
// half_pixel_centers=False) samples source x = dst * in/out with no pixel-centre shift and clamps
// at the far edge; libvips' affine/resize use other conventions and quantise the taps. Measured on
// the fixtures against TF (see test/imaging/parity.test.ts): this port differs only by the final
// rounding to u8; 299x299x3 outputs x 4 taps costs ~2 ms of main-thread time.

/** One axis of the sampling grid: source indices (pre-multiplied by the pixel stride) and weights. */
interface Taps {
  readonly lower: Int32Array;
  readonly upper: Int32Array;
  readonly lerp: Float32Array;
}

/** TF's compute_interpolation_weights with LegacyScaler, float32 as in the kernel. */
function taps(outSize: number, inSize: number, start: number, stride: number): Taps {
  const scale = Math.fround(inSize / outSize);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const position = Math.fround(i * scale);
    const floor = Math.floor(position);
    lower[i] = (start + floor) * stride;
    upper[i] = (start + Math.min(Math.ceil(position), inSize - 1)) * stride;
    lerp[i] = position - floor;
  }
  return { lower, upper, lerp };
}

/**
 * Resizes `box` of `image` to outWidth x outHeight exactly as
 * tf.compat.v1.image.resize_bilinear(align_corners=False), rounding the result to u8 RGB.
 */
export function resizeBilinear(image: RgbImage, box: CropBox, outWidth: number, outHeight: number): Uint8Array {
  const src = image.data;
  const xs = taps(outWidth, box.width, box.left, 3);
  const ys = taps(outHeight, box.height, box.top, image.width * 3);
  const out = new Uint8Array(outWidth * outHeight * 3);
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    const top = ys.lower[y]!;
    const bottom = ys.upper[y]!;
    const dy = ys.lerp[y]!;
    for (let x = 0; x < outWidth; x++) {
      const left = xs.lower[x]!;
      const right = xs.upper[x]!;
      const dx = xs.lerp[x]!;
      for (let c = 0; c < 3; c++, o++) {
        const tl = src[top + left + c]!;
        const bl = src[bottom + left + c]!;
        const upperRow = tl + (src[top + right + c]! - tl) * dx;
        const lowerRow = bl + (src[bottom + right + c]! - bl) * dx;
        out[o] = Math.round(upperRow + (lowerRow - upperRow) * dy);
      }
    }
  }
  return out;
}
