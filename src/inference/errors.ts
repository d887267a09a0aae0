/**
 * The inference layer's error catalog: every error it raises is one of these classes, each with a
 * stable `code` from INFERENCE_ERROR_CODES, so callers (HTTP, CLI) map codes without parsing messages.
 */
export const INFERENCE_ERROR_CODES = [
  'OPENVINO_ERROR',
  'OPENVINO_LIBRARY_NOT_FOUND',
  'NO_DEVICE',
  'COMPILE_FAILED',
  'QUEUE_FULL',
  'INFERENCE_TIMEOUT',
  'BACKEND_NOT_READY',
  'OBJECT_DISPOSED',
  'INPUT_SIZE_MISMATCH',
  'UNSUPPORTED_ELEMENT_TYPE',
  'UNSUPPORTED_MODEL',
  'REQUEST_BUSY',
  'INVALID_SETTINGS',
] as const;

export type InferenceErrorCode = (typeof INFERENCE_ERROR_CODES)[number];

export abstract class InferenceError extends Error {
  abstract readonly code: InferenceErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A C API call returned a non-OK status; the message is OpenVINO's own text. */
export class OpenVinoError extends InferenceError {
  readonly code = 'OPENVINO_ERROR';
  constructor(
    readonly status: number,
    readonly call: string,
    message: string,
  ) {
    super(`${call} failed (status ${status}): ${message}`);
  }
}

export class LibraryNotFoundError extends InferenceError {
  readonly code = 'OPENVINO_LIBRARY_NOT_FOUND';
  constructor(readonly searched: string[]) {
    super(`libopenvino_c could not be loaded; set OPENVINO_LIB_DIR. Looked in:\n  ${searched.join('\n  ')}`);
  }
}

export class NoDeviceError extends InferenceError {
  readonly code = 'NO_DEVICE';
  constructor(readonly reasons: readonly { device: string; reason: string }[]) {
    super(`no device could compile the model: ${reasons.map((r) => `${r.device}: ${r.reason}`).join('; ') || 'empty device list'}`);
  }
}

/** Compiling on a worker thread failed; the message is the one raised there (OpenVINO's, usually). */
export class CompileFailedError extends InferenceError {
  readonly code = 'COMPILE_FAILED';
  constructor(device: string, reason: string) {
    super(`compiling for ${device} failed: ${reason}`);
  }
}

export class QueueFullError extends InferenceError {
  readonly code = 'QUEUE_FULL';
  constructor(maxQueue: number) {
    super(`inference queue is full (${maxQueue} waiting)`);
  }
}

export class InferenceTimeoutError extends InferenceError {
  readonly code = 'INFERENCE_TIMEOUT';
  constructor(timeoutMs: number, stage: 'queued' | 'running') {
    super(`inference did not finish within ${timeoutMs} ms (timed out while ${stage})`);
  }
}

/** No compiled model takes work now: closing, or the device was lost and none other could take the model. */
export class BackendNotReadyError extends InferenceError {
  readonly code = 'BACKEND_NOT_READY';
  constructor(reason: string) {
    super(`inference is not accepting work: ${reason}`);
  }
}

export class DisposedError extends InferenceError {
  readonly code = 'OBJECT_DISPOSED';
  constructor(what: string) {
    super(`${what} was used after dispose()`);
  }
}

export class InputSizeError extends InferenceError {
  readonly code = 'INPUT_SIZE_MISMATCH';
}

/** The runtime reports an element type this binding does not map (e.g. a model with string inputs). */
export class UnsupportedElementTypeError extends InferenceError {
  readonly code = 'UNSUPPORTED_ELEMENT_TYPE';
}

/** A model this binding cannot run: not exactly one static input, or an output it cannot read as f32. */
export class UnsupportedModelError extends InferenceError {
  readonly code = 'UNSUPPORTED_MODEL';
}

/** An infer request was started while it was still running: a bug in the caller, never a client's fault. */
export class RequestBusyError extends InferenceError {
  readonly code = 'REQUEST_BUSY';
  constructor() {
    super('infer request already running');
  }
}

export class InvalidSettingsError extends InferenceError {
  readonly code = 'INVALID_SETTINGS';
  constructor(readonly problems: readonly string[]) {
    super(`invalid inference settings: ${problems.join('; ')}`);
  }
}
