import { readdirSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

/** public/ at the repository root: three levels up from src/http/routes and from dist/http/routes alike. */
export const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../../public');

/** `/` and each file of public/, read once when first asked (not at import: the commands that never serve need no public/). */
let pageRoutes: ReadonlySet<string> | undefined;

/** The page's own files hold no data: a browser loads them without a key, and the page then asks for one. */
export function isWebPage(request: FastifyRequest): boolean {
  pageRoutes ??= new Set(['/', ...readdirSync(PUBLIC_DIR).map((f) => `/${f}`)]);
  return request.method === 'GET' && pageRoutes.has(request.routeOptions.url ?? '');
}

/**
 * The web page at `/`: plain HTML, CSS and JS from public/, no build step and nothing fetched from
 * elsewhere. Only the files present at start are routed (no wildcard), so unknown paths keep the
 * API's 404 JSON.
 */
export const webRoute: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: PUBLIC_DIR, wildcard: false, decorateReply: false, index: 'index.html' });
};
