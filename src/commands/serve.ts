import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { ConfigError, formatOptionsHelp, loadConfig, repositorySettings, type Config } from '../config/index.js';
import { createServiceLogger } from '../http/logger.js';
import { startServer, type RunningServer } from '../http/server.js';
import { ModelRepository, type Classifier } from '../service/index.js';

export const SERVE_USAGE = `Usage: leukoserve serve [options]

Starts the HTTP service. Every option can also be given as an environment variable;
a flag wins over the variable.

${formatOptionsHelp()}
`;

/** The start-up lines an operator looks for: runtime, devices, chosen device and precision, model (loudly when untrained). */
function logStartup(classifier: Classifier, logger: Logger): void {
  const report = classifier.inferenceReport();
  logger.info({ version: report.runtime.version, library: report.runtime.library }, 'OpenVINO runtime');
  logger.info({ devices: report.available.map((d) => `${d.name} (${d.fullName})`) }, 'devices listed by the runtime');
  const { device, numRequests, fallbacks, precision } = report.compiled;
  logger.info({ device, numRequests, fallbacks, precision }, `model compiled on ${device}`);
  const { name, version, trained } = classifier.summary;
  logger.info({ name, version, trained, dir: classifier.model.dir }, 'model loaded');
  for (const warning of classifier.warnings()) logger.warn(warning);
}

/** Opens the models the configuration describes (MODEL_REPOSITORY, else MODEL_DIR) and serves them. */
export async function serve(config: Config, logger: Logger): Promise<RunningServer> {
  const models = await ModelRepository.open(repositorySettings(config, logger));
  logStartup(models.resolve(), logger);
  for (const { name, version, state, device, reason } of models.status()) logger.info({ model: name, version, state, device, reason }, `model ${name} version ${version}: ${state}`);
  return startServer(models, config, logger);
}

/** `leukoserve serve`: returns an exit code when it cannot start; once listening, signals end it (exit 0). */
export async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let commandLine;
  try {
    commandLine = loadConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`leukoserve: ${error.message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (commandLine.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const { config } = commandLine;
  const logger = createServiceLogger(config.logLevel);
  let server: RunningServer;
  try {
    server = await serve(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    return 1;
  }
  // In-flight images may wait up to the request time-out: give them that long before a forced exit.
  closeWithGrace({ delay: config.requestTimeoutMs + 5000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an unexpected error');
    else logger.info({ signal }, 'closing: no new requests, finishing in-flight work');
    await server.close();
    logger.info('closed');
  });
  return 0;
}
