import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedFormatError } from './errors.js';
import { FORMATS, type ImageFormat } from './formats.js';
import { withoutTextChunks } from './png-text-chunks.js';
import { describeUnsupported, sniffFormat } from './sniff.js';

// A server decodes each upload once: libvips' operation cache would only hold memory.
// sharp.concurrency (libvips threads per image) keeps sharp's default, 1 on glibc without jemalloc:
// requests already run in parallel on libuv's pool, and more threads fragment glibc's heap.
sharp.cache(false);

/**
 * How far libvips may go: 'warning' refuses damage libjpeg/libspng read past (a JPEG scan damaged
 * mid-way decodes to garbled rows with only a warning), 'error' tolerates it.
 */
export type FailOn = 'warning' | 'error';

export interface OpenOptions {
  /** Decoded-pixel limit, checked from the header before decoding. */
  readonly maxPixels: number;
  /** Decode a BMP whose pixel data is short (missing pixels black) instead of refusing it. */
  readonly acceptDamaged: boolean;
  /** sharp's own time limit on the pixel pipeline, whole seconds; 0 for none. */
  readonly timeoutSeconds: number;
}

/** An upload whose header has been read and checked, its pixels not yet decoded. */
export interface OpenedImage {
  readonly format: ImageFormat;
  /** Size after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** The upload carries an alpha channel (which `pixels` drops). */
  readonly hasAlpha: boolean;
  /** Damage already read past while opening (the BMP reader decodes at once). */
  readonly warnings: readonly string[];
  /**
   * A sharp pipeline yielding the image as 8-bit sRGB, EXIF orientation applied, alpha dropped
   * (not flattened: TF's decode_image(channels=3), which fed training, drops it too), grayscale
   * replicated to three channels, CMYK and 16-bit converted.
   */
  pixels(failOn: FailOn): Sharp;
}

/** Sniffs the format and reads the header; refuses unsupported, corrupt or too large images. */
export async function openImage(bytes: Uint8Array, options: OpenOptions): Promise<OpenedImage> {
  const { maxPixels, acceptDamaged, timeoutSeconds } = options;
  const format = sniffFormat(bytes);
  if (format === null) throw new UnsupportedFormatError(describeUnsupported(bytes));
  if (format === 'bmp') {
    // sharp (libvips) has no BMP loader: our reader hands it raw RGB.
    const { data, width, height, warnings } = decodeBmp(bytes, maxPixels, acceptDamaged);
    const pixels = () => sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false }); // checked by decodeBmp
    return { format, width, height, hasAlpha: false, warnings, pixels };
  }
  const input = format === 'png' ? withoutTextChunks(bytes) : bytes;
  // The header alone: no pixel limit here, so that the check below can name the size.
  const header = () => sharp(input, { limitInputPixels: false, unlimited: false }).metadata();
  const metadata = await sharpCall(format, header);
  const { width, height } = metadata.autoOrient;
  if (width * height > maxPixels) throw new ImageTooLargeError(width, height, maxPixels);
  const pixels = (failOn: FailOn) =>
    sharp(input, {
      // Checked above from the header; kept as the decoder's own guard.
      limitInputPixels: maxPixels,
      // libvips' other denial-of-service limits (chunk sizes, XMP size...) stay on.
      unlimited: false,
      failOn,
      // What follows reads top to bottom: lets libvips stream instead of buffering the image.
      sequentialRead: true,
      autoOrient: true,
    })
      .timeout({ seconds: timeoutSeconds })
      // 8-bit sRGB from the start, so that a resize in the pipeline sees what TF's decoder gives.
      .pipelineColourspace('srgb')
      .removeAlpha()
      .toColourspace('srgb');
  return { format, width, height, hasAlpha: metadata.hasAlpha, warnings: [], pixels };
}

/** Runs a sharp call, turning its failure into CorruptImageError with libvips' first message line. */
export async function sharpCall<T>(format: ImageFormat, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CorruptImageError(FORMATS[format].name, message.split('\n')[0] ?? message, { cause: error });
  }
}
