import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** Served over HTTPS: HSTS is sent and the CSP upgrades insecure requests. */
  tls: boolean;
}

/**
 * Helmet's headers on every response. Its default CSP (script-src 'self', style-src 'self' https:
 * 'unsafe-inline', img-src 'self' data:) lets the Swagger UI at /docs load its own scripts and styles;
 * over plain HTTP `upgrade-insecure-requests` would make a browser fetch them over HTTPS from a
 * server that has none, and HSTS would mean nothing, so both come only with TLS.
 */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, { tls }) => {
    await app.register(helmet, {
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: tls ? [] : null } },
      strictTransportSecurity: tls,
    });
  },
  { name: 'leukoserve-security-headers', fastify: '5.x' },
);
