import type { FastifyInstance } from 'fastify';
import { answerError, type ErrorLimits } from '../../errors.js';
import { V2ErrorSchema } from './schemas.js';

/** The error responses a v2 route documents: the protocol's `{"error": "..."}`. */
export function errorResponses(...statuses: number[]): Record<number, typeof V2ErrorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, V2ErrorSchema]));
}

/**
 * Errors under /v2 in the protocol's shape, `{"error": message}`, with the statuses of the service's
 * error catalog (src/http/errors.ts): the same status as the rest of the API, only the body differs.
 */
export function useV2Errors(app: FastifyInstance, limits: ErrorLimits): void {
  app.setErrorHandler(async (error, request, reply) => reply.send({ error: answerError(error, request, reply, limits).message }));
  app.setNotFoundHandler(async (request, reply) => reply.status(404).send({ error: `no route ${request.method} ${request.url}` }));
}
