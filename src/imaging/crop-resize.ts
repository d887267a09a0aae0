import sharp from 'sharp';
import type { CropBox } from './central-crop.js';
import { ImagePipelineError } from './errors.js';
import { sharpCall, type FailOn, type OpenedImage } from './open-image.js';

// Two routes to TF's legacy resize_bilinear (source = dst * in/out, no half-pixel centres, clamped
// at the far edge), chosen by direction:
// - Enlarging (either side of the crop under the output size), the TS kernel below, which has
//   TF's clamp; libvips' affine would need an edge-copy pass and a second libuv trip (slower: the
//   benchmarks issue's closing note has the figures).
// - Shrinking, libvips' affine in the decoding pipeline: the mapping is the same and the clamp is
//   never reached when in >= out, and the full-size crop of a 5 MP field never becomes a JS buffer
//   (collecting those cost event-loop time per request: figures in the same note).

const CHANNELS = 3;

/** Per output index along one axis: the two source indices and the weight of the second. */
interface AxisTaps {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float32Array;
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const x = o * scale;
    const x0 = Math.floor(x);
    lo[o] = x0;
    hi[o] = Math.min(x0 + 1, inSize - 1);
    frac[o] = x - x0;
  }
  return { lo, hi, frac };
}

/**
 * tf.compat.v1.image.resize_bilinear(align_corners=False) of packed u8 RGB, rounded to u8.
 * Exported for its tests.
 */
export function resizeBilinear(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const xs = axisTaps(width, outWidth);
  const ys = axisTaps(height, outHeight);
  const stride = width * CHANNELS;
  const out = new Uint8Array(outWidth * outHeight * CHANNELS);
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    const row0 = ys.lo[y]! * stride;
    const row1 = ys.hi[y]! * stride;
    const dy = ys.frac[y]!;
    for (let x = 0; x < outWidth; x++) {
      const col0 = xs.lo[x]! * CHANNELS;
      const col1 = xs.hi[x]! * CHANNELS;
      const dx = xs.frac[x]!;
      for (let c = 0; c < CHANNELS; c++) {
        const tl = src[row0 + col0 + c]!;
        const tr = src[row0 + col1 + c]!;
        const bl = src[row1 + col0 + c]!;
        const br = src[row1 + col1 + c]!;
        const top = tl + (tr - tl) * dx;
        const bottom = bl + (br - bl) * dx;
        out[o++] = (top + (bottom - top) * dy + 0.5) | 0;
      }
    }
  }
  return out;
}

/**
 * Crops `box` from the image and resizes it to outWidth x outHeight exactly as
 * tf.compat.v1.image.resize_bilinear(align_corners=False), as u8 RGB HWC.
 */
export async function cropAndResize(
  image: OpenedImage,
  box: CropBox,
  outWidth: number,
  outHeight: number,
  failOn: FailOn = 'warning',
): Promise<Uint8Array> {
  // libvips premultiplies alpha around a resize, which would change the colour of translucent pixels
  // that TF keeps as decoded: those images take the TS kernel whatever the direction.
  const shrinking = box.width >= outWidth && box.height >= outHeight && !image.hasAlpha;
  // Down to the image's last row, not the crop's: libjpeg and libspng notice damage (a scan cut
  // short, a bad checksum) only at the end of the data, and a decode that stops before it would
  // pass a garbled image as sound. The extra rows feed output rows beyond outHeight, cut below.
  const rows = image.height - box.top;
  const pipeline = image.pixels(failOn).extract({ ...box, height: rows });
  if (shrinking) {
    pipeline.affine([outWidth / box.width, 0, 0, outHeight / box.height], { interpolator: sharp.interpolators.bilinear });
  }
  const { data, info } = await sharpCall(image.format, () => pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
  const produced = `${info.width}x${info.height}x${info.channels}`;
  if (!shrinking) {
    if (info.width !== box.width || info.height !== rows || info.channels !== CHANNELS) {
      throw new ImagePipelineError(`crop produced ${produced}, expected ${box.width}x${rows}x3`);
    }
    // Rows past the box lie after it in the buffer: the kernel never reads them.
    return resizeBilinear(data, box.width, box.height, outWidth, outHeight);
  }
  // libvips sizes affine's output by rounding the scaled extent outwards: keep the top-left corner.
  if (info.width < outWidth || info.height < outHeight || info.channels !== CHANNELS) {
    throw new ImagePipelineError(`affine produced ${produced}, expected at least ${outWidth}x${outHeight}x3`);
  }
  return info.width === outWidth && info.height === outHeight ? data : topLeft(data, info.width, outWidth, outHeight);
}

function topLeft(src: Uint8Array, srcWidth: number, width: number, height: number): Uint8Array {
  const row = width * CHANNELS;
  const out = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) out.set(src.subarray(y * srcWidth * CHANNELS, y * srcWidth * CHANNELS + row), y * row);
  return out;
}
