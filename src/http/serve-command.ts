import closeWithGrace from 'close-with-grace';
import { ConfigError, formatOptionsHelp, loadConfig } from '../config/index.js';
import { createServiceLogger } from './logger.js';
import { startServer } from './server.js';

export const SERVE_USAGE = `Usage: leukoserve serve [options]

Starts the HTTP service. Every option can also be given as an environment variable;
a flag wins over the variable.

${formatOptionsHelp()}
`;

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
  let server;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    return 1;
  }
  const running = server;
  // In-flight images may wait up to the request time-out: give them that long before a forced exit.
  closeWithGrace({ delay: config.requestTimeoutMs + 5000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an unexpected error');
    else logger.info({ signal }, 'closing: no new requests, finishing in-flight work');
    await running.close();
    logger.info('closed');
  });
  return 0;
}
