/**
 * Typed errors of the inference layer. Every error carries a stable `code` so callers
 * (HTTP, CLI) can map it without parsing messages.
 */
export class InferenceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A C API call returned a non-OK status; the message is OpenVINO's own text. */
export class OpenVinoError extends InferenceError {
  constructor(
    readonly status: number,
    readonly call: string,
    message: string,
  ) {
    super('OPENVINO_ERROR', `${call} failed (status ${status}): ${message}`);
  }
}

export class LibraryNotFoundError extends InferenceError {
  constructor(readonly searched: string[]) {
    super(
      'OPENVINO_LIBRARY_NOT_FOUND',
      `libopenvino_c could not be loaded; set OPENVINO_LIB_DIR. Looked in:\n  ${searched.join('\n  ')}`,
    );
  }
}

export class NoDeviceError extends InferenceError {
  constructor(readonly reasons: readonly { device: string; reason: string }[]) {
    super(
      'NO_DEVICE',
      `no device could compile the model: ${reasons.map((r) => `${r.device}: ${r.reason}`).join('; ') || 'empty device list'}`,
    );
  }
}

export class QueueFullError extends InferenceError {
  constructor(maxQueue: number) {
    super('QUEUE_FULL', `inference queue is full (${maxQueue} waiting)`);
  }
}

export class InferenceTimeoutError extends InferenceError {
  constructor(timeoutMs: number, stage: 'queued' | 'running') {
    super('INFERENCE_TIMEOUT', `inference did not finish within ${timeoutMs} ms (timed out while ${stage})`);
  }
}

export class PoolClosedError extends InferenceError {
  constructor(reason: string) {
    super('POOL_CLOSED', `inference pool is not accepting work: ${reason}`);
  }
}

export class DisposedError extends InferenceError {
  constructor(what: string) {
    super('OBJECT_DISPOSED', `${what} was used after dispose()`);
  }
}

export class InputSizeError extends InferenceError {
  constructor(message: string) {
    super('INPUT_SIZE_MISMATCH', message);
  }
}

/** The runtime reports an element type this binding does not map (e.g. a model with string inputs). */
export class UnsupportedElementTypeError extends InferenceError {
  constructor(message: string) {
    super('UNSUPPORTED_ELEMENT_TYPE', message);
  }
}
