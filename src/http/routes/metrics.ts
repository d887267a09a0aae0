import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpMetrics } from '../metrics.js';

export const metricsRoute: FastifyPluginAsyncTypebox<{ metrics: HttpMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};
