import sharp from 'sharp';
import { decodeBmp } from './bmp.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedFormatError } from './errors.js';
import type { RgbImage } from './rgb-image.js';
import { describeUnsupported, FORMAT_NAMES, sniffFormat, type ImageFormat } from './sniff.js';

// A server decodes each upload once: libvips' operation cache would only hold memory.
sharp.cache(false);

export interface DecodedImage extends RgbImage {
  readonly format: ImageFormat;
}

/**
 * Decodes bytes of any supported format to 8-bit sRGB, EXIF orientation applied.
 * Alpha is dropped, not flattened: TF's decode_image(channels=3), which fed training, drops it too.
 * Grayscale is replicated to three channels; CMYK and 16-bit inputs become 8-bit sRGB.
 */
export async function decodeImage(bytes: Uint8Array, maxPixels: number): Promise<DecodedImage> {
  const format = sniffFormat(bytes);
  if (format === null) throw new UnsupportedFormatError(describeUnsupported(bytes));
  if (format === 'bmp') return { format, ...decodeBmp(bytes, maxPixels) };
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: maxPixels,
      // 'error' refuses truncated or undecodable data but tolerates the benign warnings
      // (e.g. extraneous bytes before a JPEG marker) that many camera files carry.
      failOn: 'error',
      // Only decode -> raw follows, a top-to-bottom read: lets libvips stream instead of buffering.
      sequentialRead: true,
      autoOrient: true,
    })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new CorruptImageError(FORMAT_NAMES[format], `decoded to ${info.channels} channels`);
    return { format, data, width: info.width, height: info.height };
  } catch (error) {
    throw await decodeFailure(error, bytes, format, maxPixels);
  }
}

/** Turns a sharp failure into a typed error; sharp reports the pixel limit without the numbers. */
async function decodeFailure(error: unknown, bytes: Uint8Array, format: ImageFormat, maxPixels: number): Promise<Error> {
  if (error instanceof CorruptImageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    return new ImageTooLargeError(width, height, maxPixels);
  }
  return new CorruptImageError(FORMAT_NAMES[format], message.split('\n')[0] ?? message, { cause: error });
}
