import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { ConfigError, formatOptionsHelp, loadConfig, repositorySettings, type Config } from '../config/index.js';
import { createServiceLogger } from '../http/logger.js';
import { startServer, type RunningServer } from '../http/server.js';
import { ModelRepository, smallJpegDecoder, type Classifier } from '../service/index.js';
import { holdYoungGeneration } from './young-generation.js';

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
  logger.info({ decoder: smallJpegDecoder() }, 'JPEG decoder for small images (libvips decodes larger ones and those with an ICC profile or an EXIF rotation)');
  for (const warning of classifier.warnings()) logger.warn(warning);
}

/** Who may call the API, and how: the line to check after turning access control on. */
function logAccessControl(server: RunningServer, config: Config, logger: Logger): void {
  const keys = server.app.apiKeys;
  logger.info(
    {
      url: server.url,
      apiKeys: keys === null ? 'off' : keys.current.length,
      apiKeysFile: config.apiKeysFile,
      metricsAuth: keys !== null && config.metricsAuth,
      rateLimit: config.rateLimitMax > 0 ? `${config.rateLimitMax} per ${config.rateLimitWindowMs} ms` : 'off',
      corsOrigins: config.corsOrigins ?? 'off',
    },
    'access control',
  );
  if (keys === null && !['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
    logger.warn(`listening on ${config.host} without API keys: anyone who reaches the port can use the API (set API_KEYS_FILE)`);
  }
}

/** Opens the models the configuration describes (MODEL_REPOSITORY, else MODEL_DIR) and serves them. */
export async function serve(config: Config, logger: Logger): Promise<RunningServer> {
  const models = await ModelRepository.open(repositorySettings(config, logger));
  logStartup(models.resolve(), logger);
  for (const { name, version, state, device, reason } of models.status()) logger.info({ model: name, version, state, device, reason }, `model ${name} version ${version}: ${state}`);
  const server = await startServer(models, config, logger);
  logAccessControl(server, config, logger);
  return server;
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
  const youngGenerationMiB = holdYoungGeneration() / 2 ** 20;
  logger.info({ youngGenerationMiB }, 'V8 young generation held at its start size (set it with --min-semi-space-size)');
  let server: RunningServer;
  try {
    server = await serve(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    return 1;
  }
  // With a key file, SIGHUP re-reads it (as daemons reload their configuration) instead of closing.
  const keys = server.app.apiKeys;
  const reloadOnHangUp = keys !== null && config.apiKeysFile !== undefined;
  if (reloadOnHangUp) process.on('SIGHUP', () => void keys.reload());
  // In-flight images may wait up to the request time-out: give them that long before a forced exit.
  closeWithGrace({ delay: config.requestTimeoutMs + 5000, logger, skip: reloadOnHangUp ? ['SIGHUP'] : [] }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an unexpected error');
    else logger.info({ signal }, 'closing: no new requests, finishing in-flight work');
    await server.close();
    logger.info('closed');
  });
  return 0;
}
