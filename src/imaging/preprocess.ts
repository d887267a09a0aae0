import { centralCrop } from './central-crop.js';
import { cropAndResize } from './crop-resize.js';
import { CorruptImageError } from './errors.js';
import type { ImageFormat } from './formats.js';
import { openImage } from './open-image.js';

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
 * TF-Slim inception_preprocessing's eval path up to the final scaling: decode (format sniffed
 * from the bytes), central crop, legacy bilinear resize. Scaling is left to the model (inceptionScale gives its mean and scale).
 * No concurrency limit nor deadline: a server goes through ImageDecoder.
 */
export async function preprocess(bytes: Uint8Array, options: PreprocessOptions): Promise<PreprocessedImage> {
  const { width, height, centralFraction, maxPixels, acceptDamaged = false, timeoutSeconds = 0 } = options;
  for (const [name, value] of [['width', width], ['height', height], ['maxPixels', maxPixels]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const image = await openImage(bytes, { maxPixels, acceptDamaged, timeoutSeconds });
  const box = centralCrop(image.width, image.height, centralFraction);
  const warnings = [...image.warnings];
  let pixels: Uint8Array;
  try {
    pixels = await cropAndResize(image, box, width, height, 'warning');
  } catch (error) {
    if (!acceptDamaged || !(error instanceof CorruptImageError)) throw error;
    // Decodable past its damage? Then the strict decoder's complaint names the damage.
    pixels = await cropAndResize(image, box, width, height, 'error');
    warnings.push(`damaged ${error.format} image: ${error.reason}`);
  }
  return { pixels, width, height, source: { format: image.format, width: image.width, height: image.height }, warnings };
}
