import sharp from 'sharp';
import type { CropBox } from './central-crop.js';
import { ImagePipelineError } from './errors.js';
import { sharpCall, type FailOn, type OpenedImage } from './open-image.js';
import { releaseBuffer } from './release-buffer.js';

// Two routes to TF's legacy resize_bilinear (source = dst * in/out, no half-pixel centres, clamped
// at the far edge):
// - The TS kernel below, which has TF's clamp: for small images decoded whole (decode-small.ts,
//   BMP), and in cropAndResize for crops that enlarge; libvips' affine would need an edge-copy
//   pass and a second libuv trip (slower: the benchmarks issue's closing note has the figures).
// - Shrinking a large image, libvips' affine in the decoding pipeline (cropAndResize): the mapping
//   is the same and the clamp is never reached when in >= out, and the full-size crop of a 5 MP
//   field never becomes a JS buffer (collecting those cost event-loop time per request: figures
//   in the same note).

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
 * One source row (from `base`) lerped along x into `into`: TF's top (or bottom) value of each output.
 * Per output pixel, its two source offsets and weight serve the three channels (a fifth faster
 * than one tap per value).
 */
function lerpRow(src: Uint8Array, base: number, left: Int32Array, right: Int32Array, weight: Float32Array, into: Float64Array): void {
  for (let x = 0, i = 0; x < left.length; x++, i += CHANNELS) {
    const l = base + left[x]!;
    const r = base + right[x]!;
    const w = weight[x]!;
    const a0 = src[l]!;
    const a1 = src[l + 1]!;
    const a2 = src[l + 2]!;
    into[i] = a0 + (src[r]! - a0) * w;
    into[i + 1] = a1 + (src[r + 1]! - a1) * w;
    into[i + 2] = a2 + (src[r + 2]! - a2) * w;
  }
}

/**
 * tf.compat.v1.image.resize_bilinear(align_corners=False) of `box` (the whole image by default)
 * of a packed u8 RGB image, rounded to u8.
 *
 * TF's formula (top and bottom lerped along x, then the two along y) computed separably: each
 * source row is lerped along x once and kept while the output rows that use it are made, since
 * enlarging reuses each source row for up to three output rows (a quarter less work, same values).
 */
export function resizeBilinear(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  box: CropBox = { left: 0, top: 0, width, height },
): Uint8Array {
  if (box.left < 0 || box.top < 0 || box.left + box.width > width || box.top + box.height > height || src.length < width * height * CHANNELS) {
    throw new ImagePipelineError(`crop ${box.width}x${box.height}+${box.left}+${box.top} does not fit a ${width}x${height} RGB image of ${src.length} bytes`);
  }
  const xs = axisTaps(box.width, outWidth);
  const ys = axisTaps(box.height, outHeight);
  const stride = width * CHANNELS;
  const rowLength = outWidth * CHANNELS;
  // Per output pixel of a row: its two source offsets within a row (xs.frac is the weight of the second).
  const left = new Int32Array(outWidth);
  const right = new Int32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    left[x] = (box.left + xs.lo[x]!) * CHANNELS;
    right[x] = (box.left + xs.hi[x]!) * CHANNELS;
  }
  let top = new Float64Array(rowLength);
  let bottom = new Float64Array(rowLength);
  let topRow = -1;
  let bottomRow = -1;
  const out = new Uint8Array(outHeight * rowLength);
  for (let y = 0, o = 0; y < outHeight; y++, o += rowLength) {
    const row0 = box.top + ys.lo[y]!;
    const row1 = box.top + ys.hi[y]!;
    if (topRow !== row0) {
      if (bottomRow === row0) {
        const previous = top;
        top = bottom;
        bottom = previous;
        bottomRow = -1;
      } else lerpRow(src, row0 * stride, left, right, xs.frac, top);
      topRow = row0;
    }
    if (bottomRow !== row1) {
      lerpRow(src, row1 * stride, left, right, xs.frac, bottom);
      bottomRow = row1;
    }
    const dy = ys.frac[y]!;
    for (let i = 0; i < rowLength; i++) {
      const t = top[i]!;
      // t + (b - t) * dy lies in [0, 255]: the store truncates, so + 0.5 rounds.
      out[o + i] = t + (bottom[i]! - t) * dy + 0.5;
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
    const resized = resizeBilinear(data, box.width, rows, outWidth, outHeight, { left: 0, top: 0, width: box.width, height: box.height });
    releaseBuffer(data);
    return resized;
  }
  // libvips sizes affine's output by rounding the scaled extent outwards: keep the top-left corner.
  if (info.width < outWidth || info.height < outHeight || info.channels !== CHANNELS) {
    throw new ImagePipelineError(`affine produced ${produced}, expected at least ${outWidth}x${outHeight}x3`);
  }
  if (info.width === outWidth && info.height === outHeight) return data;
  const corner = topLeft(data, info.width, outWidth, outHeight);
  releaseBuffer(data);
  return corner;
}

function topLeft(src: Uint8Array, srcWidth: number, width: number, height: number): Uint8Array {
  const row = width * CHANNELS;
  const out = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) out.set(src.subarray(y * srcWidth * CHANNELS, y * srcWidth * CHANNELS + row), y * row);
  return out;
}
