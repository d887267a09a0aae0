import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../errors.js';

export interface RateLimitOptions {
  /** Requests per window and bucket. */
  max: number;
  windowMs: number;
  /** The bucket a request counts in: its API key's id, else the client address. */
  bucketOf(request: FastifyRequest): string;
  /** Requests never counted (health probes). */
  isExempt(request: FastifyRequest): boolean;
}

/**
 * RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS and bucket, in memory (one process); then 429
 * RATE_LIMITED with Retry-After (seconds) and the RateLimit-* headers of @fastify/rate-limit. It counts on
 * the routes registered after it, after authentication (a route's own hooks follow the app's).
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, { max, windowMs, bucketOf, isExempt }) => {
    await app.register(rateLimit, {
      max,
      timeWindow: windowMs,
      keyGenerator: bucketOf,
      allowList: (request) => isExempt(request),
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(`rate limit: at most ${context.max} requests per ${windowMs / 1000} s (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS); retry in ${context.after}`),
    });
  },
  { name: 'leukoserve-rate-limit', fastify: '5.x' },
);
