import type { Logger } from 'pino';
import type { Classifier } from '../service/index.js';
import { buildApp, type App, type AppOptions, type HttpConfig } from './app.js';

export type ServerConfig = HttpConfig & { port: number; host: string };

export interface RunningServer {
  app: App;
  classifier: Classifier;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stop accepting, let in-flight requests finish, then close the classifier (native objects). Idempotent. */
  close(): Promise<void>;
}

/** Serves `classifier` over HTTP; owns it from here on (closes it when listening fails, and in close()). */
export async function startServer(classifier: Classifier, config: ServerConfig, logger: Logger, options: AppOptions = {}): Promise<RunningServer> {
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
