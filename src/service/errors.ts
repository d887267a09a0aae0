/** The service layer's own error catalog (the layers below have theirs). */
export const CLASSIFIER_ERROR_CODES = ['MODEL_MISMATCH', 'CLASSIFIER_CLOSED', 'INVALID_TENSOR', 'MODEL_NOT_FOUND', 'MODEL_NOT_READY'] as const;

export type ClassifierErrorCode = (typeof CLASSIFIER_ERROR_CODES)[number];

export abstract class ClassifierError extends Error {
  abstract readonly code: ClassifierErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The compiled model does not take the manifest's input size or give one value per label. */
export class ModelMismatchError extends ClassifierError {
  readonly code = 'MODEL_MISMATCH';
}

export class ClassifierClosedError extends ClassifierError {
  readonly code = 'CLASSIFIER_CLOSED';
  constructor() {
    super('the classifier is closing: no new images are taken');
  }
}

/** A preprocessed tensor that is not the model's input: wrong size, or values outside the model's range. */
export class InvalidTensorError extends ClassifierError {
  readonly code = 'INVALID_TENSOR';
}

/** No model (or version) of that name in the repository. */
export class ModelNotFoundError extends ClassifierError {
  readonly code = 'MODEL_NOT_FOUND';
}

/** The model exists but no version of it serves now: loading, or every version failed to load. */
export class ModelNotReadyError extends ClassifierError {
  readonly code = 'MODEL_NOT_READY';
}
