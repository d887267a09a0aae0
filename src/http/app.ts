import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { Classifier, ModelRepository, RAW_UPLOAD_MEDIA_TYPES } from '../service/index.js';
import { ApiKeys } from './api-keys.js';
import { connectionErrorHandler } from './connection-errors.js';
import { answerError, MAX_FORM_FIELDS } from './errors.js';
import { withClassifyRequestBody } from './openapi.js';
import { HttpMetrics } from './metrics.js';
import { authenticatedKeyId, authPlugin } from './plugins/auth.js';
import { corsPlugin } from './plugins/cors.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { classifyRoute } from './routes/classify.js';
import { devicesRoute } from './routes/devices.js';
import { explainRoute } from './routes/explain.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelRoute } from './routes/model.js';
import { v2Routes } from './routes/v2/index.js';
import { isWebPage, webRoute } from './routes/web.js';
import { rawUploadParser } from './raw-upload-parser.js';
import { readTlsFiles } from './tls.js';

export type HttpConfig = Pick<
  Config,
  | 'maxFileBytes'
  | 'maxFiles'
  | 'explainMaxInferences'
  | 'headersTimeoutMs'
  | 'uploadTimeoutMs'
  | 'idleTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'apiKeys'
  | 'apiKeysFile'
  | 'metricsAuth'
  | 'rateLimitMax'
  | 'rateLimitWindowMs'
  | 'corsOrigins'
  | 'tlsCert'
  | 'tlsKey'
>;

/** How often Node looks for connections over HEADERS_TIMEOUT_MS / UPLOAD_TIMEOUT_MS (its default, 30 s, would let them overrun by that much). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The accepted API keys (reload() on SIGHUP); null when the API is open. */
    apiKeys: ApiKeys | null;
  }
}

/** Probes must answer without a key and are never rate-limited. */
const isHealth = (request: FastifyRequest) => request.routeOptions.url?.startsWith('/health/') === true;

export interface AppOptions {
  /** Where /devices looks for USB sticks (default /sys). */
  sysfsRoot?: string;
}

/**
 * The HTTP API over the models served (a Classifier is a one-model repository). The caller owns
 * them: closing the app does not close them, so a shutdown can first stop HTTP, let in-flight
 * requests finish, then free the native objects.
 */
export async function buildApp(served: ModelRepository | Classifier, config: HttpConfig, logger: Logger, options: AppOptions = {}) {
  const models = served instanceof Classifier ? ModelRepository.of(served) : served;
  const limits = { maxFileBytes: config.maxFileBytes, maxFiles: config.maxFiles };
  const sendError = async (error: unknown, request: FastifyRequest, reply: FastifyReply) => reply.send(answerError(error, request, reply, limits));
  const tls = await readTlsFiles(config);
  const apiKeys = await ApiKeys.load(config, logger);

  // Slow clients: none may hold a socket longer than these (slowloris); see the settings table. Node's
  // server takes them at creation: in the https options with TLS, the http options without.
  const serverTimeouts = { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS };
  // Typed as the plain-HTTP variant: Fastify's overloads cannot take either, and an HTTPS server's
  // requests and replies are the same Node objects.
  const server = (tls === null ? { http: serverTimeouts } : { https: { ...tls, ...serverTimeouts } }) as { http: typeof serverTimeouts };
  const app = Fastify({
    ...server,
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: config.maxFileBytes,
    requestTimeout: config.uploadTimeoutMs,
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Requests refused before routing (by Node's parser, by Fastify's router) answer in the API's shape too.
    clientErrorHandler: connectionErrorHandler(logger, limits),
    frameworkErrors: (error, request, reply) => void sendError(error, request, reply),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('apiKeys', apiKeys);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Access control before anything that reads a body, and before the routes, which it must cover.
  await app.register(securityHeadersPlugin, { tls: tls !== null });
  if (config.corsOrigins !== undefined) await app.register(corsPlugin, { origins: config.corsOrigins });
  if (apiKeys !== null) {
    const isOpen = (request: FastifyRequest) => isHealth(request) || isWebPage(request) || (!config.metricsAuth && request.routeOptions.url === '/metrics');
    await app.register(authPlugin, { keys: apiKeys, isOpen });
  }
  if (config.rateLimitMax > 0) {
    await app.register(rateLimitPlugin, {
      max: config.rateLimitMax,
      windowMs: config.rateLimitWindowMs,
      bucketOf: (request) => {
        const keyId = authenticatedKeyId(request);
        return keyId === undefined ? `ip:${request.ip}` : `key:${keyId}`;
      },
      isExempt: isHealth,
    });
  }

  // Only images and multipart are accepted: anything else is a 415 from Fastify before any route code runs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...RAW_UPLOAD_MEDIA_TYPES], rawUploadParser(config.maxFileBytes));
  await app.register(multipart, { limits: { fileSize: config.maxFileBytes, files: config.maxFiles, fields: MAX_FORM_FIELDS } });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'leukoserve',
        version: '1.0.0',
        description: 'Inception V3 classification of blood-smear images for Acute Lymphoblastic Leukemia (OpenVINO, NCS2 or CPU).',
      },
      ...(apiKeys === null ? {} : { components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } }, security: [{ apiKey: [] }] }),
    },
    transformObject: withClassifyRequestBody,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const metrics = new HttpMetrics(models);
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

  app.setErrorHandler(sendError);
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `no route ${request.method} ${request.url}` }),
  );

  await app.register(classifyRoute, { models, metrics });
  await app.register(devicesRoute, { models, sysfsRoot: options.sysfsRoot ?? '/sys' });
  await app.register(healthRoutes, { models });
  await app.register(modelRoute, { models });
  await app.register(metricsRoute, { metrics });
  await app.register(v2Routes, { prefix: '/v2', models, metrics, limits, bodyLimit: config.maxFileBytes * config.maxFiles });
  await app.register(explainRoute, { models, maxInferences: config.explainMaxInferences });
  await app.register(webRoute);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
