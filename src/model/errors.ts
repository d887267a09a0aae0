/** The model layer's error catalog. */
export const MODEL_ERROR_CODES = ['MODEL_MANIFEST_INVALID'] as const;

export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

/** manifest.json is missing, unreadable or does not match the schema the toolchain writes. */
export class ManifestError extends Error {
  readonly code: ModelErrorCode = 'MODEL_MANIFEST_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ManifestError';
  }
}
