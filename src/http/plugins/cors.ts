import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** The browser origins allowed (CORS_ORIGINS); no other origin gets CORS headers. */
  origins: readonly string[];
}

/**
 * CORS for the configured origins only; preflights are answered here, before authentication (a
 * browser sends them without the Authorization header).
 */
export const corsPlugin = fp<CorsOptions>(
  async (app, { origins }) => {
    await app.register(cors, {
      origin: [...origins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  },
  { name: 'leukoserve-cors', fastify: '5.x' },
);
