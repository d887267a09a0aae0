import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModelRepository } from '../../../service/index.js';
import { NotReadyError } from '../../errors.js';
import { errorResponses } from './errors.js';
import { LiveSchema, ReadySchema, ServerMetadataSchema } from './schemas.js';

let packageVersion: string | undefined;

/** The package's version, read when first asked (src/ and dist/http/routes/v2 are both four levels under the package root). */
function serverVersion(): string {
  packageVersion ??= (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return packageVersion;
}

/** The protocol extensions served: only binary tensor data (no shared memory, no classification, no repository API). */
export const EXTENSIONS = ['binary_tensor_data'];

export const v2ServerRoutes: FastifyPluginAsyncTypebox<{ models: ModelRepository }> = async (app, { models }) => {
  app.get('/', { schema: { summary: 'KServe v2 server metadata', response: { 200: ServerMetadataSchema } } }, async () => ({
    name: 'leukoserve',
    version: serverVersion(),
    extensions: EXTENSIONS,
  }));
  app.get('/health/live', { schema: { summary: 'KServe v2 liveness', response: { 200: LiveSchema } } }, async () => ({ live: true }));
  app.get(
    '/health/ready',
    { schema: { summary: 'KServe v2 readiness: the default model serves', response: { 200: ReadySchema, ...errorResponses(503) } } },
    async () => {
      const readiness = models.resolve().readiness();
      if (!readiness.ready) throw new NotReadyError(`not ready: ${readiness.reason}`);
      return { ready: true };
    },
  );
};
