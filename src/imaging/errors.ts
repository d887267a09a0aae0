/** The imaging layer's error catalog: every way an uploaded image can be refused. */
export const IMAGING_ERROR_CODES = ['UNSUPPORTED_IMAGE_FORMAT', 'CORRUPT_IMAGE', 'IMAGE_TOO_LARGE'] as const;

export type ImagingErrorCode = (typeof IMAGING_ERROR_CODES)[number];

/** `code` is stable and safe to show to clients. */
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
    super(`unsupported image format: ${detected} (supported: JPEG, PNG, TIFF, WebP, 24/32-bit BMP)`);
    this.name = 'UnsupportedFormatError';
  }
}

/** The format was recognised but its content cannot be decoded. */
export class CorruptImageError extends ImageError {
  readonly code = 'CORRUPT_IMAGE';
  constructor(format: string, reason: string, options?: ErrorOptions) {
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
