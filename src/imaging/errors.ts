import { SUPPORTED_FORMATS_TEXT } from './formats.js';

/**
 * Every way the imaging layer refuses or fails an image. `code` is stable and safe to show to
 * clients; the HTTP layer maps each to a status.
 */
export const IMAGING_ERROR_CODES = [
  'UNSUPPORTED_IMAGE_FORMAT',
  'CORRUPT_IMAGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_DECODE_TIMEOUT',
  'IMAGE_DECODE_QUEUE_FULL',
  'IMAGE_PIPELINE_FAILED',
] as const;
export type ImagingErrorCode = (typeof IMAGING_ERROR_CODES)[number];

export abstract class ImageError extends Error {
  abstract readonly code: ImagingErrorCode;
}

/** The bytes are not one of the formats the service reads (sniffed from the content, never the name). */
export class UnsupportedFormatError extends ImageError {
  readonly code = 'UNSUPPORTED_IMAGE_FORMAT';
  constructor(
    /** What was recognised, e.g. "GIF", "BMP with RLE8 compression" or "unknown, first bytes 3c 68 74 6d". */
    readonly detected: string,
  ) {
    super(`unsupported image format: ${detected} (supported: ${SUPPORTED_FORMATS_TEXT})`);
    this.name = 'UnsupportedFormatError';
  }
}

/** The format was recognised but its content cannot be decoded, or decodes only with damage. */
export class CorruptImageError extends ImageError {
  readonly code = 'CORRUPT_IMAGE';
  constructor(
    readonly format: string,
    /** What is wrong, without the format: "truncated: ...", or libvips' first message line. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`corrupt ${format} image: ${reason}`, options);
    this.name = 'CorruptImageError';
  }
}

/** More decoded pixels than allowed: refused before the pixels are allocated (decompression-bomb guard). */
export class ImageTooLargeError extends ImageError {
  readonly code = 'IMAGE_TOO_LARGE';
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(`image too large: ${width}x${height} = ${width * height} pixels, the limit is ${maxPixels}`);
    this.name = 'ImageTooLargeError';
  }
}

/**
 * A decode ran past its deadline. libvips cannot be interrupted mid-call: the caller stops waiting
 * at once, and the work goes on until sharp's own (whole-second) timeout ends it, holding its slot.
 */
export class DecodeTimeoutError extends ImageError {
  readonly code = 'IMAGE_DECODE_TIMEOUT';
  constructor(readonly deadlineMs: number) {
    super(`image decoding took longer than ${deadlineMs} ms`);
    this.name = 'DecodeTimeoutError';
  }
}

/** Every decode slot is busy and the waiting line is full. */
export class DecodeQueueFullError extends ImageError {
  readonly code = 'IMAGE_DECODE_QUEUE_FULL';
  constructor(
    readonly running: number,
    readonly queued: number,
  ) {
    super(`too many images being decoded: ${running} decoding and ${queued} waiting`);
    this.name = 'DecodeQueueFullError';
  }
}

/** An invariant of our own pipeline broke: a bug, not the client's image. */
export class ImagePipelineError extends ImageError {
  readonly code = 'IMAGE_PIPELINE_FAILED';
  constructor(message: string) {
    super(`image pipeline failed: ${message}`);
    this.name = 'ImagePipelineError';
  }
}
