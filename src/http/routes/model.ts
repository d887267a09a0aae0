import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Classifier } from '../../service/index.js';
import { ManifestResponseSchema } from '../schemas.js';

export const modelRoute: FastifyPluginAsyncTypebox<{ classifier: Classifier }> = async (app, { classifier }) => {
  app.get(
    '/model',
    { schema: { summary: 'The manifest of the loaded model', response: { 200: ManifestResponseSchema } } },
    async () => classifier.model.manifest,
  );
};
