import { imageSize } from 'image-size';
import { ImagePipelineError } from './errors.js';
import { libvipsInput, sharpCall, srgbPipeline, type LibvipsFormat, type OpenOptions } from './open-image.js';
import type { RgbImage } from './rgb-image.js';
import { tolerateDamage } from './tolerate-damage.js';

/** Pixels by the header, or null when image-size cannot read it (libvips will judge the image). */
function headerPixels(bytes: Uint8Array): number | null {
  try {
    const { width, height } = imageSize(bytes);
    return width * height;
  } catch {
    return null;
  }
}

/**
 * A small upload (at most `smallPixels` by its header) decoded whole to RGB in one libvips call,
 * for the TS kernel to crop and resize; null for any other, which takes the header route
 * (openImage, then libvips crops and shrinks as it streams).
 *
 * Why a route of its own: a libvips call costs about 0.4 ms of CPU whatever the image, and the
 * header route makes two (header, then pixels); for a cell crop of a few hundred pixels a side
 * that fixed cost is most of the decode. The pixel count of the header read by image-size is
 * only a routing hint: orientation comes from libvips' output, and sharp's limitInputPixels is
 * the guard should a header lie.
 */
export async function decodeSmall(bytes: Uint8Array, format: LibvipsFormat, options: OpenOptions & { acceptDamaged: boolean }, smallPixels: number): Promise<RgbImage | null> {
  const limits = { ...options, maxPixels: Math.min(smallPixels, options.maxPixels) };
  const pixels = headerPixels(bytes);
  if (pixels === null || pixels > limits.maxPixels) return null;
  const input = libvipsInput(bytes, format);
  const { value, warnings } = await tolerateDamage(options.acceptDamaged, (failOn) =>
    sharpCall(format, () => srgbPipeline(input, limits, failOn).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })),
  );
  const { data, info } = value;
  if (info.channels !== 3) throw new ImagePipelineError(`decoding produced ${info.width}x${info.height}x${info.channels}, expected 3 channels`);
  return { data, width: info.width, height: info.height, warnings };
}
