import { centralCrop } from './central-crop.js';
import { cropAndResize } from './crop-resize.js';
import { openImage } from './open-image.js';
import type { ImageFormat } from './sniff.js';

export interface PreprocessOptions {
  /** Model input size (299x299 for Inception V3). */
  width: number;
  height: number;
  /** Fraction of each side kept by the central crop (0.875 in TF-Slim's eval path). */
  centralFraction: number;
  /** Decoded-pixel limit (decompression-bomb guard), checked from the header before decoding. */
  maxPixels: number;
}

export interface PreprocessedImage {
  /** RGB, HWC, u8, height*width*3 bytes: the resized central crop, before scaling to [-1,1]. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** The decoded upload, after EXIF orientation. */
  source: { format: ImageFormat; width: number; height: number };
}

/**
 * TF-Slim inception_preprocessing's eval path up to the final scaling: decode (format sniffed
 * from the bytes), central crop, legacy bilinear resize. Scaling is left to normalize() or the model.
 */
export async function preprocess(bytes: Uint8Array, options: PreprocessOptions): Promise<PreprocessedImage> {
  const { width, height, centralFraction, maxPixels } = options;
  for (const [name, value] of [['width', width], ['height', height], ['maxPixels', maxPixels]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const image = await openImage(bytes, maxPixels);
  const box = centralCrop(image.width, image.height, centralFraction);
  return {
    pixels: await cropAndResize(image, box, width, height),
    width,
    height,
    source: { format: image.format, width: image.width, height: image.height },
  };
}
