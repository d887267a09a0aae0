import sharp from 'sharp';
import type { CropBox } from './central-crop.js';
import { ImagePipelineError } from './errors.js';
import { sharpCall, type FailOn, type OpenedImage } from './open-image.js';
import { releaseBuffer } from './release-buffer.js';
import { resizeBilinear } from './resize-bilinear.js';

// Two routes to TF's legacy resize_bilinear (source = dst * in/out, no half-pixel centres, clamped
// at the far edge):
// - resizeBilinear (resize-bilinear.ts), which has TF's clamp: for small images decoded whole
//   (decode-small.ts, BMP), and in cropAndResize for crops that enlarge; libvips' affine would need
//   an edge-copy pass and a second libuv trip (slower: the benchmarks issue's closing note has the
//   figures).
// - Shrinking a large image, libvips' affine in the decoding pipeline (cropAndResize): the mapping
//   is the same and the clamp is never reached when in >= out, and the full-size crop of a 5 MP
//   field never becomes a JS buffer (collecting those cost event-loop time per request: figures
//   in the same note).

const CHANNELS = 3;

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
  // that TF keeps as decoded: those images take resizeBilinear whatever the direction.
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
    // Rows past the box lie after it in the buffer: resizeBilinear never reads them.
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
