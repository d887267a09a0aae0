import type { Logger } from 'pino';
import type { ClassifierSettings, RepositorySettings } from '../service/index.js';
import type { Config } from './options.js';

/** The one mapping from the validated configuration to what the service is opened with. */
export function serviceSettings(config: Config, logger?: Logger): ClassifierSettings {
  return {
    modelDir: config.modelDir,
    imaging: {
      maxPixels: config.maxPixels,
      decodeTimeoutMs: config.decodeTimeoutMs,
      maxConcurrentDecodes: config.maxConcurrentDecodes,
      acceptDamaged: config.acceptDamagedImages,
    },
    inference: {
      devices: config.devices,
      numRequests: config.numRequests,
      maxQueue: config.maxQueue,
      timeoutMs: config.requestTimeoutMs,
      cacheDir: config.cacheDir,
      performanceHint: config.performanceHint,
      cpuPrecision: config.cpuPrecision,
      autoMaxScoreDelta: config.autoMaxScoreDelta,
      autoMinLabelAgreement: config.autoMinLabelAgreement,
      failbackIntervalMs: config.failbackIntervalMs,
    },
    tta: config.tta,
    logger,
  };
}

/** The models to serve: MODEL_REPOSITORY when set, else MODEL_DIR as a one-model repository. */
export function repositorySettings(config: Config, logger?: Logger): RepositorySettings {
  const { modelDir: _, ...classifier } = serviceSettings(config, logger);
  return {
    source: config.modelRepository === undefined ? { modelDir: config.modelDir } : { repository: config.modelRepository },
    defaultModel: config.modelName,
    pollIntervalMs: config.repositoryPollMs,
    classifier,
  };
}
