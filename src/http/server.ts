import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { Classifier } from '../service/classifier.js';
import { classifierOptions } from '../service/classifier-options.js';
import { buildApp, type App, type AppOptions } from './app.js';

export interface RunningServer {
  app: App;
  classifier: Classifier;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stop accepting, let in-flight requests finish, then drain the pool and free native objects. Idempotent. */
  close(): Promise<void>;
}

/** The start-up lines an operator looks for: runtime, devices, chosen device, model (loudly when untrained). */
function logStartup(classifier: Classifier, logger: Logger): void {
  const report = classifier.runtimeReport();
  logger.info({ version: report.version.buildNumber, library: report.libraryPath }, 'OpenVINO runtime');
  logger.info({ devices: report.available.map((d) => `${d.name} (${d.fullName})`) }, 'devices listed by the runtime');
  logger.info(
    { device: report.compiled.device, numRequests: report.compiled.numRequests, fallbacks: report.compiled.fallbacks },
    `model compiled on ${report.compiled.device}`,
  );
  const { name, version, trained } = classifier.summary;
  logger.info({ name, version, trained, dir: classifier.model.dir }, 'model loaded');
  for (const warning of classifier.warnings) logger.warn(warning);
}

export async function startServer(config: Config, logger: Logger, options: AppOptions = {}): Promise<RunningServer> {
  const classifier = await Classifier.open(classifierOptions(config, logger));
  logStartup(classifier, logger);
  let app: App;
  let url: string;
  try {
    app = await buildApp(classifier, config, logger, options);
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await classifier.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  const close = async () => {
    await app.close();
    await classifier.close();
  };
  return { app, classifier, url, close: () => (closing ??= close()) };
}
