import { STATUS_CODES } from 'node:http';

/** The body of every error response: Fastify's own shape, with a stable `code` per cause. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

/** An error raised by the HTTP layer itself; `code` is stable and documented. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NoImageError extends HttpError {
  constructor(message: string) {
    super(400, 'NO_IMAGE', message);
  }
}

export class NotReadyError extends HttpError {
  constructor(message: string) {
    super(503, 'NOT_READY', message);
  }
}

/** A failure while classifying one image of a request, so the response can name the image. */
export class ImageFailure extends Error {
  constructor(
    readonly filename: string,
    override readonly cause: unknown,
  ) {
    super(`${filename}: ${(cause as Error).message}`);
    this.name = 'ImageFailure';
  }
}

/** Errors from imaging/inference and from Fastify plugins, by their `code`: status and public code. */
const BY_CODE: Readonly<Record<string, { statusCode: number; code: string }>> = {
  // imaging
  UNSUPPORTED_IMAGE_FORMAT: { statusCode: 415, code: 'UNSUPPORTED_IMAGE_FORMAT' },
  CORRUPT_IMAGE: { statusCode: 422, code: 'CORRUPT_IMAGE' },
  IMAGE_TOO_LARGE: { statusCode: 413, code: 'IMAGE_TOO_LARGE' },
  // inference: overload and time-outs are the client's to retry
  QUEUE_FULL: { statusCode: 503, code: 'QUEUE_FULL' },
  INFERENCE_TIMEOUT: { statusCode: 504, code: 'INFERENCE_TIMEOUT' },
  POOL_CLOSED: { statusCode: 503, code: 'NOT_READY' },
  OPENVINO_ERROR: { statusCode: 500, code: 'INFERENCE_FAILED' },
  INPUT_SIZE_MISMATCH: { statusCode: 500, code: 'INFERENCE_FAILED' },
  OBJECT_DISPOSED: { statusCode: 500, code: 'INFERENCE_FAILED' },
  NO_DEVICE: { statusCode: 500, code: 'INFERENCE_FAILED' },
  UNSUPPORTED_ELEMENT_TYPE: { statusCode: 500, code: 'INFERENCE_FAILED' },
  // @fastify/multipart and Fastify's body parsing
  FST_FILES_LIMIT: { statusCode: 413, code: 'TOO_MANY_FILES' },
  FST_PARTS_LIMIT: { statusCode: 413, code: 'TOO_MANY_FILES' },
  FST_REQ_FILE_TOO_LARGE: { statusCode: 413, code: 'FILE_TOO_LARGE' },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
};

/** Public messages replacing Fastify's terse ones. */
function messageFor(code: string, error: Error, limits: { maxFileBytes: number; maxFiles: number }): string {
  switch (code) {
    case 'TOO_MANY_FILES':
      return `too many files: at most ${limits.maxFiles} images per request (MAX_FILES)`;
    case 'FILE_TOO_LARGE':
    case 'BODY_TOO_LARGE':
      return `upload too large: at most ${limits.maxFileBytes} bytes per image (MAX_FILE_BYTES)`;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'unsupported Content-Type: send multipart/form-data with `image` parts, or a raw image/jpeg, image/png, image/tiff, image/bmp, image/webp or application/octet-stream body';
    default:
      return error.message;
  }
}

/**
 * Any thrown value -> the public error. Unknown failures become 500 INTERNAL_ERROR without their
 * message (it may hold internals); the log keeps the whole error.
 */
export function toErrorBody(thrown: unknown, limits: { maxFileBytes: number; maxFiles: number }): ErrorBody {
  const error = thrown instanceof ImageFailure ? thrown.cause : thrown;
  const prefix = thrown instanceof ImageFailure ? `${thrown.filename}: ` : '';
  const make = (statusCode: number, code: string, message: string): ErrorBody => ({
    statusCode,
    code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: prefix + message,
  });
  if (!(error instanceof Error)) return make(500, 'INTERNAL_ERROR', 'internal error');
  if (error instanceof HttpError) return make(error.statusCode, error.code, error.message);
  const ownCode = (error as { code?: unknown }).code;
  const known = typeof ownCode === 'string' ? BY_CODE[ownCode] : undefined;
  if (known) return make(known.statusCode, known.code, messageFor(known.code, error, limits));
  // Fastify's other client errors (validation, bad JSON...) keep their own status and code.
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof ownCode === 'string') {
    return make(statusCode, ownCode, error.message);
  }
  return make(500, 'INTERNAL_ERROR', 'internal error (details in the server log under this request id)');
}
