import { pino } from 'pino';
import { INFERENCE_DEFAULTS, type InferenceSettings } from '../../src/inference/index.js';
import { Classifier, type ImagingSettings } from '../../src/service/index.js';
import { MODEL_DIR } from './fixtures.js';

export const silentLogger = pino({ level: 'silent' });

/** Inference settings for tests: the real CPU, a generous time-out, no failback timer. */
export function cpuSettings(overrides: Partial<InferenceSettings> = {}): InferenceSettings {
  return { ...INFERENCE_DEFAULTS, devices: ['CPU'], maxQueue: 32, timeoutMs: 120_000, failbackIntervalMs: 0, ...overrides };
}

/** The service's imaging defaults. */
export const IMAGING: ImagingSettings = { maxPixels: 40_000_000, decodeTimeoutMs: 10_000, acceptDamaged: false };

/** The real default model (or `modelDir`'s) on the real CPU plugin. */
export function openCpuClassifier(overrides: Partial<InferenceSettings> = {}, modelDir = MODEL_DIR, imaging = IMAGING): Promise<Classifier> {
  return Classifier.open({ modelDir, imaging, inference: cpuSettings(overrides) });
}
