import { imageSize } from 'image-size';
import { ImagePipelineError } from './errors.js';
import { hasIccProfile } from './jpeg-icc-profile.js';
import { libvipsInput, sharpCall, srgbPipeline, type LibvipsFormat, type OpenOptions } from './open-image.js';
import type { RgbImage } from './rgb-image.js';
import { tolerateDamage } from './tolerate-damage.js';
import { TurboJpegDecompressor } from './turbojpeg/decompressor.js';
import { TURBOJPEG_LIBRARY } from './turbojpeg/sys.js';

/** The system's libjpeg-turbo, loaded once; null when absent (then libvips decodes every JPEG). */
const systemTurboJpeg = TurboJpegDecompressor.load();

/** Which decoder small JPEGs get in this process, for the start-up log. */
export function smallJpegDecoder(): string {
  return systemTurboJpeg === null ? `libvips (${TURBOJPEG_LIBRARY} not found)` : `libjpeg-turbo (${systemTurboJpeg.library})`;
}

/** Pixels and EXIF orientation by the header, or null when image-size cannot read it (libvips will judge the image). */
function readHeader(bytes: Uint8Array): { pixels: number; orientation: number } | null {
  try {
    const { width, height, orientation = 1 } = imageSize(bytes);
    return { pixels: width * height, orientation };
  } catch {
    return null;
  }
}

export interface DecodeSmallOptions extends OpenOptions {
  readonly acceptDamaged: boolean;
  /** The JPEG decoder tried before libvips; default the system's libjpeg-turbo, null for libvips alone. */
  readonly turboJpeg?: Pick<TurboJpegDecompressor, 'decode'> | null;
}

/**
 * A small upload (at most `smallPixels` by its header) decoded whole to RGB, for resizeBilinear to
 * crop and resize; null for any other, which takes the header route (openImage, then libvips
 * crops and shrinks as it streams).
 *
 * Why a route of its own: a libvips call costs about 0.4 ms of CPU whatever the image, and the
 * header route makes two (header, then pixels); for a cell crop of a few hundred pixels a side
 * that fixed cost is most of the decode. JPEGs go to libjpeg-turbo itself when the system has it
 * (0.3 ms of CPU for a 299x299 JPEG where libvips takes 1.3 ms, same bytes), unless libvips has
 * more to do than decode. The pixel count of the header read by image-size is only a routing
 * hint: each decoder checks the size it decodes against the limit.
 */
export async function decodeSmall(bytes: Uint8Array, format: LibvipsFormat, options: DecodeSmallOptions, smallPixels: number): Promise<RgbImage | null> {
  const { turboJpeg = systemTurboJpeg, ...open } = options;
  const limits = { ...open, maxPixels: Math.min(smallPixels, open.maxPixels) };
  const header = readHeader(bytes);
  if (header === null || header.pixels > limits.maxPixels) return null;
  // libjpeg-turbo takes what needs no colour management nor rotation; anything it declines, libvips decodes.
  if (format === 'jpeg' && turboJpeg && header.orientation === 1 && !hasIccProfile(bytes)) {
    const image = await turboJpeg.decode(bytes, limits.maxPixels);
    if (image !== null) return image;
  }
  const input = libvipsInput(bytes, format);
  const { value, warnings } = await tolerateDamage(open.acceptDamaged, (failOn) =>
    sharpCall(format, () => srgbPipeline(input, limits, failOn).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })),
  );
  const { data, info } = value;
  if (info.channels !== 3) throw new ImagePipelineError(`decoding produced ${info.width}x${info.height}x${info.channels}, expected 3 channels`);
  return { data, width: info.width, height: info.height, warnings };
}
