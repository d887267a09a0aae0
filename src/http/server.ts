import type { Logger } from 'pino';
import { Classifier, ModelRepository } from '../service/index.js';
import { buildApp, type App, type AppOptions, type HttpConfig } from './app.js';

export type ServerConfig = HttpConfig & { port: number; host: string };

export interface RunningServer {
  app: App;
  models: ModelRepository;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stop accepting, let in-flight requests finish, then close the models (native objects). Idempotent. */
  close(): Promise<void>;
}

/** Serves the models (a Classifier: one model) over HTTP; owns them from here on (closes them when listening fails, and in close()). */
export async function startServer(served: ModelRepository | Classifier, config: ServerConfig, logger: Logger, options: AppOptions = {}): Promise<RunningServer> {
  const models = served instanceof Classifier ? ModelRepository.of(served) : served;
  let app: App;
  let url: string;
  try {
    app = await buildApp(models, config, logger, options);
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await models.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  const close = async () => {
    await app.close();
    await models.close();
  };
  return { app, models, url, close: () => (closing ??= close()) };
}
