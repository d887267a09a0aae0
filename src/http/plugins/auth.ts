import bearerAuth from '@fastify/bearer-auth';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { apiKeyId, type ApiKeys } from '../api-keys.js';

export interface AuthOptions {
  keys: ApiKeys;
  /** Routes anyone may call (health probes; /metrics unless METRICS_AUTH). */
  isOpen(request: FastifyRequest): boolean;
}

const keyIds = new WeakMap<FastifyRequest, string>();

/** The id of the API key a request was authenticated with (undefined on open routes or without auth). */
export function authenticatedKeyId(request: FastifyRequest): string | undefined {
  return keyIds.get(request);
}

/**
 * `Authorization: Bearer <key>` on every route but the open ones, checked in onRequest (before any body
 * is read) by @fastify/bearer-auth, which compares keys in constant time. Its errors go to the app's
 * error handler (401 UNAUTHORIZED); its own log line is debug, as the handler logs each refusal.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, { keys, isOpen }) => {
    await app.register(bearerAuth, { keys: [], addHook: false, verifyErrorLogLevel: 'debug' });
    const factory = app.verifyBearerAuthFactory!;
    // The factory turns its key list into Buffers in place: give it a copy.
    const verifierFor = (current: readonly string[]) => factory({ keys: [...current], addHook: false, verifyErrorLogLevel: 'debug' });
    let verify = verifierFor(keys.current);
    keys.onChange((current) => {
      verify = verifierFor(current);
    });
    const stopWatching = keys.watch();
    app.addHook('onClose', async () => stopWatching());

    app.addHook('onRequest', (request, reply, done) => {
      if (isOpen(request)) return done();
      verify(request, reply, (error) => {
        if (error === undefined) {
          // Accepted: the header holds one of the keys.
          const key = request.headers.authorization!.slice('Bearer '.length).trim();
          keyIds.set(request, apiKeyId(key));
        }
        done(error);
      });
    });
  },
  { name: 'leukoserve-auth', fastify: '5.x' },
);
