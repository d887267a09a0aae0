import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModelRepository } from '../../service/index.js';
import { NotReadyError } from '../errors.js';
import { errorResponses, ReadySchema, StatusSchema } from '../schemas.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ models: ModelRepository }> = async (app, { models }) => {
  app.get(
    '/health/live',
    { schema: { summary: 'Liveness: the process answers', response: { 200: StatusSchema } } },
    async () => ({ status: 'live' }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: the model is compiled and the pool accepts work',
        response: { 200: ReadySchema, ...errorResponses(503) },
      },
    },
    async () => {
      const classifier = models.resolve();
      const readiness = classifier.readiness();
      if (!readiness.ready) throw new NotReadyError(`not ready: ${readiness.reason}`);
      return { status: 'ready' as const, device: classifier.device };
    },
  );
};
