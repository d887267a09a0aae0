import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModelRepository } from '../../service/index.js';
import { ClassifyQuerySchema, errorResponses, ManifestResponseSchema } from '../schemas.js';

export const modelRoute: FastifyPluginAsyncTypebox<{ models: ModelRepository }> = async (app, { models }) => {
  app.get(
    '/model',
    {
      schema: {
        summary: 'The manifest of the default model (or ?model= and ?version=), with every model and version loaded, loading or failed',
        querystring: Type.Pick(ClassifyQuerySchema, ['model', 'version']),
        response: { 200: ManifestResponseSchema, ...errorResponses(404, 503) },
      },
    },
    async (request) => ({ ...models.resolve(request.query.model, request.query.version).model.manifest, repository: models.status() }),
  );
};
