import { writeSync } from 'node:fs';
import { pino, type Level, type Logger, type LoggerOptions } from 'pino';

/** Log bytes kept for a reader that does not keep up; newer lines beyond it are dropped. */
const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/**
 * The service's logger options. Request logs carry no headers, but an Authorization header logged by
 * any code (a request or its headers passed to the logger) is censored: an API key never reaches the log.
 */
export function serviceLoggerOptions(level: Level | 'silent'): LoggerOptions {
  return {
    level,
    redact: { paths: ['headers.authorization', '*.headers.authorization', '*.*.headers.authorization'], censor: '[redacted]' },
  };
}

/**
 * The service's pino logger: JSON lines on stdout.
 *
 * Synchronous, because pino's default asynchronous destination is flushed at exit by sonic-boom's
 * flushSync(), which retries EPIPE forever: with the log reader gone (`| head`) the process never
 * exited. Written synchronously, nothing is left to flush and pino drops the stream at the first EPIPE.
 * retryEAGAIN false, because in sync mode a full pipe is otherwise retried in a blocking sleep loop:
 * the line stays queued instead and is retried with the next one. (No `dest`: pino then takes
 * process.stdout.fd, and opening process.stdout makes a pipe non-blocking, so a full one gives EAGAIN.)
 */
export function createServiceLogger(level: Level | 'silent'): Logger {
  const destination = pino.destination({ sync: true, retryEAGAIN: () => false, maxLength: MAX_PENDING_LOG_BYTES });
  const reported = new Set<string>();
  // Once per kind, on stderr: the log itself may be what is broken.
  const report = (kind: string, message: string) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    try {
      writeSync(2, `leukoserve: ${message}\n`);
    } catch {
      // stderr is gone too: nothing left to tell.
    }
  };
  // Without a listener, any write error other than EPIPE would be thrown from the logging call.
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EAGAIN' || error.code === 'EBUSY') return; // a slow reader: the line stays queued
    if (error.code === 'EPIPE') report('EPIPE', 'the log reader closed stdout (EPIPE): log lines are dropped, the service goes on');
    else report(error.code ?? 'error', `writing the log to stdout failed (${error.message}): lines are retried with the next one`);
  });
  destination.on('drop', () =>
    report('drop', `stdout is not being read: ${MAX_PENDING_LOG_BYTES / 1024 / 1024} MiB of log lines pending, newer lines are dropped`),
  );
  return pino(serviceLoggerOptions(level), destination);
}
