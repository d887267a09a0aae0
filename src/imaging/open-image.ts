import sharp, { type Sharp } from 'sharp';
import { CorruptImageError, ImageTooLargeError } from './errors.js';
import { FORMATS, type ImageFormat } from './formats.js';
import { withoutTextChunks } from './png-text-chunks.js';

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
  /** sharp's own time limit on the pixel pipeline, whole seconds; 0 for none. */
  readonly timeoutSeconds: number;
}

/** The formats libvips decodes (all but BMP). */
export type LibvipsFormat = Exclude<ImageFormat, 'bmp'>;

/** An upload whose header has been read and checked, its pixels not yet decoded. */
export interface OpenedImage {
  readonly format: LibvipsFormat;
  /** Size after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** The upload carries an alpha channel (which `pixels` drops). */
  readonly hasAlpha: boolean;
  /** The image through srgbPipeline. */
  pixels(failOn: FailOn): Sharp;
}

/**
 * The pipeline libvips decodes an upload with: 8-bit sRGB, EXIF orientation applied, alpha dropped
 * (not flattened: TF's decode_image(channels=3), which fed training, drops it too), grayscale
 * replicated to three channels, CMYK and 16-bit converted. `input` is what libvips may read
 * (libvipsInput), `maxPixels` its own guard beside the header checks made before.
 */
export function srgbPipeline(input: Uint8Array, options: OpenOptions, failOn: FailOn): Sharp {
  return (
    sharp(input, {
      limitInputPixels: options.maxPixels,
      // libvips' other denial-of-service limits (chunk sizes, XMP size...) stay on.
      unlimited: false,
      failOn,
      // What follows reads top to bottom: lets libvips stream instead of buffering the image.
      sequentialRead: true,
      autoOrient: true,
    })
      .timeout({ seconds: options.timeoutSeconds })
      // 8-bit sRGB from the start, so that a resize in the pipeline sees what TF's decoder gives.
      .pipelineColourspace('srgb')
      .removeAlpha()
      .toColourspace('srgb')
  );
}

/** The bytes libvips is given: a PNG without its text chunks (png-text-chunks.ts says why), others as they are. */
export function libvipsInput(bytes: Uint8Array, format: LibvipsFormat): Uint8Array {
  return format === 'png' ? withoutTextChunks(bytes) : bytes;
}

/** Reads a libvips format's header with libvips; refuses corrupt or too large images. */
export async function openImage(bytes: Uint8Array, format: LibvipsFormat, options: OpenOptions): Promise<OpenedImage> {
  const { maxPixels } = options;
  const input = libvipsInput(bytes, format);
  // The header alone: no pixel limit here, so that the check below can name the size.
  const header = () => sharp(input, { limitInputPixels: false, unlimited: false }).metadata();
  const metadata = await sharpCall(format, header);
  const { width, height } = metadata.autoOrient;
  if (width * height > maxPixels) throw new ImageTooLargeError(width, height, maxPixels);
  return { format, width, height, hasAlpha: metadata.hasAlpha, pixels: (failOn: FailOn) => srgbPipeline(input, options, failOn) };
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
