import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedFormatError } from './errors.js';
import { describeUnsupported, FORMAT_NAMES, sniffFormat, type ImageFormat } from './sniff.js';

// A server decodes each upload once: libvips' operation cache would only hold memory.
// sharp.concurrency (libvips threads per image) keeps sharp's default, 1 on glibc without jemalloc:
// requests already run in parallel on libuv's pool, and more threads fragment glibc's heap.
sharp.cache(false);

/** An upload whose header has been read and checked, its pixels not yet decoded. */
export interface OpenedImage {
  readonly format: ImageFormat;
  /** Size after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** The upload carries an alpha channel (which `pixels` drops). */
  readonly hasAlpha: boolean;
  /**
   * A sharp pipeline yielding the image as 8-bit sRGB, EXIF orientation applied, alpha dropped
   * (not flattened: TF's decode_image(channels=3), which fed training, drops it too), grayscale
   * replicated to three channels, CMYK and 16-bit converted.
   */
  readonly pixels: Sharp;
}

/** Sniffs the format and reads the header; refuses unsupported, corrupt or too large images. */
export async function openImage(bytes: Uint8Array, maxPixels: number): Promise<OpenedImage> {
  const format = sniffFormat(bytes);
  if (format === null) throw new UnsupportedFormatError(describeUnsupported(bytes));
  if (format === 'bmp') {
    // sharp (libvips) has no BMP loader: our reader hands it raw RGB.
    const { data, width, height } = decodeBmp(bytes, maxPixels);
    const pixels = sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false }); // checked by decodeBmp
    return { format, width, height, hasAlpha: false, pixels };
  }
  // The header alone: no limit here, so that the check below can name the size.
  const header = () => sharp(bytes, { limitInputPixels: false }).metadata();
  const metadata = await sharpCall(format, header);
  const { width, height } = metadata.autoOrient;
  if (width * height > maxPixels) throw new ImageTooLargeError(width, height, maxPixels);
  const pixels = sharp(bytes, {
    // Checked above from the header; kept as the decoder's own guard.
    limitInputPixels: maxPixels,
    // 'error' refuses truncated or undecodable data but tolerates the benign warnings
    // (e.g. extraneous bytes before a JPEG marker) that many camera files carry.
    failOn: 'error',
    // What follows reads top to bottom: lets libvips stream instead of buffering the image.
    sequentialRead: true,
    autoOrient: true,
  })
    // 8-bit sRGB from the start, so that a resize in the pipeline sees what TF's decoder gives.
    .pipelineColourspace('srgb')
    .removeAlpha()
    .toColourspace('srgb');
  return { format, width, height, hasAlpha: metadata.hasAlpha, pixels };
}

/** Runs a sharp call, turning its failure into CorruptImageError with libvips' first message line. */
export async function sharpCall<T>(format: ImageFormat, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CorruptImageError(FORMAT_NAMES[format], message.split('\n')[0] ?? message, { cause: error });
  }
}
