import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RAW_UPLOAD_MEDIA_TYPES, serviceErrorCode, type ServiceErrorCode } from '../service/index.js';

/** Every `code` a client can receive: the README's error table lists exactly these. */
export const PUBLIC_ERROR_CODES = [
  'NO_IMAGE',
  'NOT_FOUND',
  'BAD_REQUEST',
  'MALFORMED_MULTIPART',
  'CLIENT_ABORTED',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'TOO_MANY_FIELDS',
  'IMAGE_TOO_LARGE',
  'FILE_TOO_LARGE',
  'BODY_TOO_LARGE',
  'TOO_MANY_FILES',
  'UNSUPPORTED_IMAGE_FORMAT',
  'UNSUPPORTED_MEDIA_TYPE',
  'CORRUPT_IMAGE',
  'IMAGE_DECODE_TIMEOUT',
  'INTERNAL_ERROR',
  'INFERENCE_FAILED',
  'QUEUE_FULL',
  'NOT_READY',
  'INFERENCE_TIMEOUT',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'INVALID_TENSOR',
  'INVALID_INFER_REQUEST',
  'MODEL_NOT_FOUND',
  'MODEL_NOT_READY',
  'EXPLANATION_TOO_COSTLY',
  'BAD_EXPLANATION',
] as const;

export type PublicErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

/** The body of every error response: Fastify's own shape, with a stable `code` per cause. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

/** Limits named in the public messages. */
export interface ErrorLimits {
  maxFileBytes: number;
  maxFiles: number;
}

interface PublicError {
  statusCode: number;
  code: PublicErrorCode;
  /** Response headers the error comes with: Retry-After for errors a client should simply retry, WWW-Authenticate for 401. */
  headers?: Readonly<Record<string, string>>;
  /** A public message replacing the error's own (Fastify's are terse; internals stay in the log). */
  message?: (limits: ErrorLimits) => string;
}

/** An error raised by the HTTP layer itself. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: PublicErrorCode,
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

/** A multipart body the parser cannot read (no boundary, no closing boundary, bytes that are no form). */
export class MalformedMultipartError extends HttpError {
  constructor(override readonly cause: unknown) {
    super(400, 'MALFORMED_MULTIPART', `malformed multipart/form-data: ${(cause as Error).message}`);
  }
}

/** A KServe v2 inference request that the protocol, or this model, does not allow. */
export class InvalidInferRequestError extends HttpError {
  constructor(message: string) {
    super(400, 'INVALID_INFER_REQUEST', message);
  }
}

export class NotReadyError extends HttpError {
  constructor(message: string) {
    super(503, 'NOT_READY', message);
  }
}

/** Over RATE_LIMIT_MAX requests in the window; @fastify/rate-limit has set Retry-After. */
export class RateLimitedError extends HttpError {
  constructor(message: string) {
    super(429, 'RATE_LIMITED', message);
  }
}

/** An explanation refused before any work: a patch that does not fit the input, or more forward passes than EXPLAIN_MAX_INFERENCES. */
export class ExplanationRefusedError extends HttpError {
  constructor(code: 'EXPLANATION_TOO_COSTLY' | 'BAD_EXPLANATION', message: string) {
    super(400, code, message);
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

// Overload and time-outs are the client's to retry; one second is about a dozen images on one device.
const retryInASecond: PublicError = { statusCode: 503, code: 'QUEUE_FULL', headers: { 'retry-after': '1' } };
const inferenceFailed: PublicError = { statusCode: 500, code: 'INFERENCE_FAILED' };
const notReady: PublicError = { statusCode: 503, code: 'NOT_READY' };
const INTERNAL_MESSAGE = 'internal error (details in the server log under this request id)';
const internal: PublicError = { statusCode: 500, code: 'INTERNAL_ERROR', message: () => INTERNAL_MESSAGE };

/** Every code of the service's catalog -> its public form; a code added below fails to compile until mapped here. */
const FROM_SERVICE: Readonly<Record<ServiceErrorCode, PublicError>> = {
  UNSUPPORTED_IMAGE_FORMAT: { statusCode: 415, code: 'UNSUPPORTED_IMAGE_FORMAT' },
  CORRUPT_IMAGE: { statusCode: 422, code: 'CORRUPT_IMAGE' },
  IMAGE_TOO_LARGE: { statusCode: 413, code: 'IMAGE_TOO_LARGE' },
  // The deadline counts only the decode itself, once it has a slot: overrunning it is the image's cost.
  IMAGE_DECODE_TIMEOUT: { statusCode: 422, code: 'IMAGE_DECODE_TIMEOUT' },
  IMAGE_DECODE_QUEUE_FULL: retryInASecond,
  QUEUE_FULL: retryInASecond,
  INFERENCE_TIMEOUT: { statusCode: 504, code: 'INFERENCE_TIMEOUT' },
  BACKEND_NOT_READY: notReady,
  CLASSIFIER_CLOSED: notReady,
  INVALID_TENSOR: { statusCode: 400, code: 'INVALID_TENSOR' },
  MODEL_NOT_FOUND: { statusCode: 404, code: 'MODEL_NOT_FOUND' },
  MODEL_NOT_READY: { statusCode: 503, code: 'MODEL_NOT_READY' },
  OPENVINO_ERROR: inferenceFailed,
  INPUT_SIZE_MISMATCH: inferenceFailed,
  OBJECT_DISPOSED: inferenceFailed,
  NO_DEVICE: inferenceFailed,
  COMPILE_FAILED: inferenceFailed,
  UNSUPPORTED_ELEMENT_TYPE: inferenceFailed,
  UNSUPPORTED_MODEL: inferenceFailed,
  REQUEST_BUSY: inferenceFailed,
  // Start-up problems: a running service never raises them per request.
  OPENVINO_LIBRARY_NOT_FOUND: internal,
  INVALID_SETTINGS: internal,
  MODEL_MANIFEST_INVALID: internal,
  MODEL_MISMATCH: internal,
  IMAGE_PIPELINE_FAILED: internal,
};

/** The challenge of RFC 6750: the scheme a client must use. */
const unauthorized = (message: string): PublicError => ({
  statusCode: 401,
  code: 'UNAUTHORIZED',
  headers: { 'www-authenticate': 'Bearer realm="leukoserve"' },
  message: () => message,
});

const tooLarge = (limits: ErrorLimits) => `upload too large: at most ${limits.maxFileBytes} bytes per image (MAX_FILE_BYTES)`;

const malformedMultipart = (reason: string) => () => `malformed multipart/form-data: ${reason}`;
const clientAborted: PublicError = { statusCode: 400, code: 'CLIENT_ABORTED', message: () => 'the client closed the connection before its request was read' };
const badRequest: PublicError = { statusCode: 400, code: 'BAD_REQUEST', message: () => 'malformed HTTP request' };

/**
 * The codes Fastify, @fastify/multipart and Node's HTTP server give their client errors, as this API
 * names them (bearer-auth's included). Node's reach the error handler when a client resets its upload, and the connection
 * handler (connection-errors.ts) when the HTTP parser refuses a request before Fastify sees it.
 */
const FROM_FASTIFY = {
  FST_FILES_LIMIT: { statusCode: 413, code: 'TOO_MANY_FILES', message: (limits) => `too many files: at most ${limits.maxFiles} images per request (MAX_FILES)` },
  FST_PARTS_LIMIT: { statusCode: 413, code: 'TOO_MANY_FILES', message: (limits) => `too many parts: at most ${limits.maxFiles} images per request (MAX_FILES)` },
  FST_FIELDS_LIMIT: { statusCode: 413, code: 'TOO_MANY_FIELDS', message: () => `too many form fields: at most ${MAX_FORM_FIELDS} non-file fields per request` },
  FST_REQ_FILE_TOO_LARGE: { statusCode: 413, code: 'FILE_TOO_LARGE', message: tooLarge },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'BODY_TOO_LARGE', message: tooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: unsupportedMediaType },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: unsupportedMediaType },
  FST_PROTO_VIOLATION: { statusCode: 400, code: 'MALFORMED_MULTIPART', message: malformedMultipart('a field named after an Object prototype property') },
  FST_INVALID_JSON_FIELD_ERROR: { statusCode: 400, code: 'MALFORMED_MULTIPART', message: malformedMultipart('a field declared JSON that does not parse') },
  FST_MP_PREMATURE_CLOSE: clientAborted,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'BAD_REQUEST', message: () => 'the body is not as long as its Content-Length says' },
  FST_ERR_BAD_URL: { statusCode: 400, code: 'BAD_REQUEST', message: () => 'malformed URL (bad percent-encoding)' },
  ECONNRESET: clientAborted,
  ERR_HTTP_REQUEST_TIMEOUT: {
    statusCode: 408,
    code: 'REQUEST_TIMEOUT',
    message: () => 'the request was not received in time (HEADERS_TIMEOUT_MS for the headers, UPLOAD_TIMEOUT_MS for the whole request)',
  },
  HPE_HEADER_OVERFLOW: { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: () => 'request headers too large' },
  // @fastify/bearer-auth's: "invalid" is a wrong key and a malformed header alike; the key is never repeated.
  FST_BEARER_AUTH_MISSING_AUTHORIZATION_HEADER: unauthorized('missing API key: send `Authorization: Bearer <key>`'),
  FST_BEARER_AUTH_INVALID_AUTHORIZATION_HEADER: unauthorized('API key refused: send `Authorization: Bearer <key>` with a key of API_KEYS / API_KEYS_FILE'),
} as const satisfies Record<string, PublicError>;

/** Form fields that are not files: a form needs none, a few are tolerated. */
export const MAX_FORM_FIELDS = 32;

function unsupportedMediaType(): string {
  return `unsupported Content-Type: send multipart/form-data with \`image\` parts, or a raw body of ${RAW_UPLOAD_MEDIA_TYPES.join(', ')}`;
}

function fromFastify(code: unknown): PublicError | undefined {
  return typeof code === 'string' && Object.hasOwn(FROM_FASTIFY, code) ? FROM_FASTIFY[code as keyof typeof FROM_FASTIFY] : undefined;
}

/**
 * An error refused by Node's HTTP parser before any request exists (a bad request line, headers too
 * large, too slow): its public body. Every other parser code (HPE_*) is a plain 400 BAD_REQUEST.
 */
export function toConnectionErrorBody(error: unknown, limits: ErrorLimits): ErrorBody {
  const known = fromFastify((error as { code?: unknown } | null)?.code) ?? badRequest;
  return { statusCode: known.statusCode, code: known.code, error: STATUS_CODES[known.statusCode] ?? 'Error', message: known.message?.(limits) ?? '' };
}

/** Logs a failed request (5xx as errors, with the cause) and sets its status and headers; returns the body to send. */
export function answerError(thrown: unknown, request: FastifyRequest, reply: FastifyReply, limits: ErrorLimits): ErrorBody {
  const { body, headers } = toErrorReply(thrown, limits);
  if (body.statusCode >= 500) request.log.error({ err: thrown, code: body.code }, body.message);
  else request.log.info({ code: body.code }, body.message);
  reply.status(body.statusCode).headers(headers);
  return body;
}

/** An error response: its body and the headers that go with it. */
export interface ErrorReply {
  body: ErrorBody;
  headers: Readonly<Record<string, string>>;
}

/**
 * Any thrown value -> the public error. Unknown failures become 500 INTERNAL_ERROR without their
 * message (it may hold internals); the log keeps the whole error.
 */
export function toErrorReply(thrown: unknown, limits: ErrorLimits): ErrorReply {
  const error = thrown instanceof ImageFailure ? thrown.cause : thrown;
  const prefix = thrown instanceof ImageFailure ? `${thrown.filename}: ` : '';
  const reply = (statusCode: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): ErrorReply => ({
    body: { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message: prefix + message },
    headers,
  });
  if (error instanceof HttpError) return reply(error.statusCode, error.code, error.message);
  const serviceCode = serviceErrorCode(error);
  const known = serviceCode === null ? fromFastify((error as { code?: unknown } | null)?.code) : FROM_SERVICE[serviceCode];
  if (known !== undefined) {
    return reply(known.statusCode, known.code, known.message?.(limits) ?? (error as Error).message, known.headers);
  }
  // Fastify's other client errors (validation, bad JSON...) keep their own status and code.
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof code === 'string') {
    return reply(statusCode, code, (error as Error).message);
  }
  return reply(internal.statusCode, internal.code, INTERNAL_MESSAGE);
}
