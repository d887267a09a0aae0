import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { RAW_UPLOAD_MEDIA_TYPES, type Classifier } from '../service/index.js';
import { toErrorReply } from './errors.js';
import { withClassifyRequestBody } from './openapi.js';
import { HttpMetrics } from './metrics.js';
import { classifyRoute } from './routes/classify.js';
import { devicesRoute } from './routes/devices.js';
import { explainRoute } from './routes/explain.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelRoute } from './routes/model.js';
import { webRoute } from './routes/web.js';

export type HttpConfig = Pick<Config, 'maxFileBytes' | 'maxFiles' | 'explainMaxInferences'>;

export interface AppOptions {
  /** Where /devices looks for USB sticks (default /sys). */
  sysfsRoot?: string;
}

/**
 * The HTTP API over a Classifier. The caller owns the classifier: closing the app does not close it,
 * so a shutdown can first stop HTTP, let in-flight requests finish, then free the native objects.
 */
export async function buildApp(classifier: Classifier, config: HttpConfig, logger: Logger, options: AppOptions = {}) {
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: config.maxFileBytes,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Only images and multipart are accepted: anything else is a 415 from Fastify before any route code runs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...RAW_UPLOAD_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: config.maxFileBytes }, (_request, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: config.maxFileBytes, files: config.maxFiles, fields: 32 } });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'leukoserve',
        version: '1.0.0',
        description: 'Inception V3 classification of blood-smear images for Acute Lymphoblastic Leukemia (OpenVINO, NCS2 or CPU).',
      },
    },
    transformObject: withClassifyRequestBody,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const metrics = new HttpMetrics(classifier);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  // Responses finished during shutdown close their connection: a keep-alive socket that turns idle
  // after close() began would otherwise hold the server open for the whole keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  const limits = { maxFileBytes: config.maxFileBytes, maxFiles: config.maxFiles };
  app.setErrorHandler(async (error, request, reply) => {
    const { body, retryAfterSeconds } = toErrorReply(error, limits);
    if (body.statusCode >= 500) request.log.error({ err: error, code: body.code }, body.message);
    else request.log.info({ code: body.code }, body.message);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `no route ${request.method} ${request.url}` }),
  );

  await app.register(classifyRoute, { classifier, metrics });
  await app.register(devicesRoute, { classifier, sysfsRoot: options.sysfsRoot ?? '/sys' });
  await app.register(healthRoutes, { classifier });
  await app.register(modelRoute, { classifier });
  await app.register(metricsRoute, { metrics });
  await app.register(explainRoute, { classifier, maxInferences: config.explainMaxInferences });
  await app.register(webRoute);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
