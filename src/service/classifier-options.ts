import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { ClassifierOptions } from './classifier.js';

/** The classifier's settings from the validated configuration: one mapping for the server and the CLI. */
export function classifierOptions(config: Config, logger?: Logger): ClassifierOptions {
  return {
    modelDir: config.modelDir,
    devices: config.devices,
    numRequests: config.numRequests,
    maxQueue: config.maxQueue,
    timeoutMs: config.requestTimeoutMs,
    cacheDir: config.cacheDir,
    performanceHint: config.performanceHint,
    cpuPrecision: config.cpuPrecision,
    limits: { maxPixels: config.maxPixels },
    logger,
  };
}
