import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModelRepository } from '../../../service/index.js';
import type { ErrorLimits } from '../../errors.js';
import type { HttpMetrics } from '../../metrics.js';
import { useV2Errors } from './errors.js';
import { v2InferRoutes } from './infer.js';
import { v2ModelRoutes } from './models.js';
import { v2ServerRoutes } from './server.js';

export interface V2Options {
  models: ModelRepository;
  metrics: HttpMetrics;
  limits: ErrorLimits;
  /** Largest request body: a batch of MAX_FILES images or tensors. */
  bodyLimit: number;
}

/**
 * The KServe v2 (Open Inference Protocol) REST API, registered under /v2: its own body parsing
 * (any Content-Type, read whole: tritonclient sends none) and its own error shape.
 */
export const v2Routes: FastifyPluginAsyncTypebox<V2Options> = async (app, { models, metrics, limits, bodyLimit }) => {
  useV2Errors(app, limits);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  await app.register(v2ServerRoutes, { models });
  await app.register(v2ModelRoutes, { models });
  await app.register(v2InferRoutes, { models, metrics, maxBatch: limits.maxFiles });
};
