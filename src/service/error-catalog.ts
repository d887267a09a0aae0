import { IMAGING_ERROR_CODES } from '../imaging/index.js';
import { INFERENCE_ERROR_CODES } from '../inference/index.js';
import { MODEL_ERROR_CODES } from '../model/errors.js';
import { CLASSIFIER_ERROR_CODES } from './errors.js';

/** Every code an error from the service (or a layer under it) can carry: what the HTTP layer maps. */
export const SERVICE_ERROR_CODES = [...IMAGING_ERROR_CODES, ...INFERENCE_ERROR_CODES, ...MODEL_ERROR_CODES, ...CLASSIFIER_ERROR_CODES] as const;

export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(SERVICE_ERROR_CODES);

/** The catalogued code of an error raised by the service, or null for anything else. */
export function serviceErrorCode(error: unknown): ServiceErrorCode | null {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CODES.has(code) ? (code as ServiceErrorCode) : null;
}
