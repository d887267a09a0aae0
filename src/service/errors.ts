/** The service layer's own error catalog (the layers below have theirs). */
export const CLASSIFIER_ERROR_CODES = ['MODEL_MISMATCH', 'CLASSIFIER_CLOSED'] as const;

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
