import { decodeBmp } from './bmp.js';
import { centralCrop } from './central-crop.js';
import { cropAndResize } from './crop-resize.js';
import { decodeSmall } from './decode-small.js';
import { UnsupportedFormatError } from './errors.js';
import type { ImageFormat } from './formats.js';
import { openImage } from './open-image.js';
import { releaseBuffer } from './release-buffer.js';
import { resizeBilinear } from './resize-bilinear.js';
import type { RgbImage } from './rgb-image.js';
import { describeUnsupported, sniffFormat } from './sniff.js';
import { tolerateDamage } from './tolerate-damage.js';

export interface PreprocessOptions {
  /** Model input size (299x299 for Inception V3). */
  width: number;
  height: number;
  /** Fraction of each side kept by the central crop (0.875 in TF-Slim's eval path). */
  centralFraction: number;
  /** Decoded-pixel limit (decompression-bomb guard), checked from the header before decoding. */
  maxPixels: number;
  /**
   * Decode images that decode only with damage (a JPEG scan broken mid-way, a short BMP) and name
   * the damage in `warnings`, instead of refusing them with CORRUPT_IMAGE. Default false.
   */
  acceptDamaged?: boolean;
  /** sharp's own limit on the pixel pipeline, whole seconds (0 or absent: none). */
  timeoutSeconds?: number;
}

export interface PreprocessedImage {
  /** RGB, HWC, u8, height*width*3 bytes: the resized central crop, before scaling to [-1,1]. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** The decoded upload, after EXIF orientation. */
  source: { format: ImageFormat; width: number; height: number };
  /** The damage read past, one sentence each; empty unless `acceptDamaged`. For the response. */
  warnings: string[];
}

/**
 * Images at most this many times the model input's area are decoded whole and cropped and resized
 * by resizeBilinear (decode-small.ts says why); larger ones are cropped and shrunk by libvips as it
 * streams. 4x covers cell crops (ALL-IDB2's 257 px, C-NMC's 450 px BMPs) and keeps the buffer
 * small (at most 1.1 MB of RGB for a 299x299 input).
 */
const SMALL_IMAGE_FACTOR = 4;

/**
 * TF-Slim inception_preprocessing's eval path up to the final scaling: decode (format sniffed
 * from the bytes), central crop, legacy bilinear resize. Scaling is left to the model (inceptionScale gives its mean and scale).
 * No concurrency limit nor deadline: a server goes through ImageDecoder.
 */
export async function preprocess(bytes: Uint8Array, options: PreprocessOptions): Promise<PreprocessedImage> {
  const { width, height, centralFraction, maxPixels, acceptDamaged = false, timeoutSeconds = 0 } = options;
  for (const [name, value] of [['width', width], ['height', height], ['maxPixels', maxPixels]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const format = sniffFormat(bytes);
  if (format === null) throw new UnsupportedFormatError(describeUnsupported(bytes));
  const limits = { maxPixels, timeoutSeconds };
  const decodedWhole = (image: RgbImage): PreprocessedImage => {
    const box = centralCrop(image.width, image.height, centralFraction);
    const pixels = resizeBilinear(image.data, image.width, image.height, width, height, box);
    releaseBuffer(image.data);
    return { pixels, width, height, source: { format, width: image.width, height: image.height }, warnings: [...image.warnings] };
  };
  if (format === 'bmp') return decodedWhole(decodeBmp(bytes, maxPixels, acceptDamaged));
  const small = await decodeSmall(bytes, format, { ...limits, acceptDamaged }, SMALL_IMAGE_FACTOR * width * height);
  if (small !== null) return decodedWhole(small);
  const image = await openImage(bytes, format, limits);
  const box = centralCrop(image.width, image.height, centralFraction);
  const { value: pixels, warnings } = await tolerateDamage(acceptDamaged, (failOn) => cropAndResize(image, box, width, height, failOn));
  return { pixels, width, height, source: { format, width: image.width, height: image.height }, warnings };
}
