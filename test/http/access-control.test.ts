import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, type App, type HttpConfig } from '../../src/http/app.js';
import { serviceLoggerOptions } from '../../src/http/logger.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';

const config = loadConfig([], {}).config;
const classifier = await openCpuClassifier();
t.teardown(() => classifier.close());

const KEY_1 = 'lab-key-one-0123456789abcdef';
const KEY_2 = 'lab-key-two-0123456789abcdef';
const KEY_3 = 'lab-key-three-0123456789abcdef';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function appWith(t: Test, overrides: Partial<HttpConfig>, logger = silentLogger): Promise<App> {
  const app = await buildApp(classifier, { ...config, ...overrides }, logger);
  t.teardown(() => app.close());
  return app;
}

function expectError(t: Test, res: { statusCode: number; json(): unknown }, statusCode: number, code: string, message?: RegExp) {
  t.equal(res.statusCode, statusCode, `status ${statusCode}`);
  const body = res.json() as Record<string, unknown>;
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], 'the error shape');
  t.equal(body.code, code);
  if (message) t.match(body.message, message);
}

function expectUnauthorized(t: Test, res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, message: RegExp) {
  expectError(t, res, 401, 'UNAUTHORIZED', message);
  t.equal(res.headers['www-authenticate'], 'Bearer realm="leukoserve"');
}

t.test('without API keys the API is open, as before', async (t) => {
  const app = await appWith(t, {});
  t.equal((await app.inject('/model')).statusCode, 200);
  t.equal(app.apiKeys, null);
});

t.test('API_KEYS: every route but health and /metrics needs a key; missing, wrong and malformed headers get 401', async (t) => {
  const app = await appWith(t, { apiKeys: [KEY_1, KEY_2] });
  expectUnauthorized(t, await app.inject('/model'), /^missing API key/);
  expectUnauthorized(t, await app.inject({ url: '/model', headers: bearer('lab-key-wrong-0123456789abcd') }), /^API key refused/);
  for (const authorization of [`Basic ${KEY_1}`, `bearer ${KEY_1}`, 'Bearer', 'Bearer ', `Bearer${KEY_1}`, `Token ${KEY_1}`]) {
    const res = await app.inject({ url: '/model', headers: { authorization } });
    t.equal(res.statusCode, 401, `malformed ${JSON.stringify(authorization.replace(KEY_1, '<key>'))}: 401`);
    t.notMatch(res.body, KEY_1, 'the key is not repeated');
  }
  t.equal((await app.inject({ url: '/model', headers: bearer(KEY_1) })).statusCode, 200, 'the first key');
  t.equal((await app.inject({ url: '/model', headers: bearer(KEY_2) })).statusCode, 200, 'the second key, valid at the same time');

  const upload = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: Buffer.alloc(1024) });
  expectUnauthorized(t, upload, /^missing API key/);
  expectUnauthorized(t, await app.inject('/no-such-route'), /^missing API key/);
  t.equal((await app.inject({ url: '/no-such-route', headers: bearer(KEY_1) })).statusCode, 404, 'routes are only told apart with a key');
  t.equal((await app.inject('/docs/json')).statusCode, 401, '/docs follows the API');
  t.equal((await app.inject({ url: '/docs/json', headers: bearer(KEY_1) })).statusCode, 200);
  t.same((await app.inject({ url: '/docs/json', headers: bearer(KEY_1) })).json().components.securitySchemes, { apiKey: { type: 'http', scheme: 'bearer' } });

  t.equal((await app.inject('/health/live')).statusCode, 200, 'liveness open');
  t.equal((await app.inject('/health/ready')).statusCode, 200, 'readiness open');
  t.equal((await app.inject('/metrics')).statusCode, 200, '/metrics open by default');
});

t.test('METRICS_AUTH=true: /metrics needs a key too', async (t) => {
  const app = await appWith(t, { apiKeys: [KEY_1], metricsAuth: true });
  expectUnauthorized(t, await app.inject('/metrics'), /^missing API key/);
  t.equal((await app.inject({ url: '/metrics', headers: bearer(KEY_1) })).statusCode, 200);
  t.equal((await app.inject('/health/ready')).statusCode, 200);
});

t.test('API_KEYS_FILE: comments and blank lines; rotation by reload (SIGHUP) and by editing the file', async (t) => {
  const file = path.join(t.testdir(), 'keys');
  await writeFile(file, `# lab keys\n${KEY_1}\n\n${KEY_2}   # the new one\n`);
  const app = await appWith(t, { apiKeysFile: file });
  const status = async (key: string) => (await app.inject({ url: '/model', headers: bearer(key) })).statusCode;
  t.equal(await status(KEY_1), 200);
  t.equal(await status(KEY_2), 200);

  await writeFile(file, `${KEY_2}\n${KEY_3}\n`);
  await app.apiKeys!.reload();
  t.equal(await status(KEY_1), 401, 'a key removed is refused after the reload');
  t.equal(await status(KEY_2), 200);
  t.equal(await status(KEY_3), 200, 'a key added is accepted');

  await writeFile(file, 'short\n');
  await app.apiKeys!.reload();
  t.equal(await status(KEY_2), 200, 'a file with a bad key keeps the keys loaded before');

  // No reload() call: the file is watched.
  await writeFile(file, `${KEY_3}\n`);
  const deadline = Date.now() + 10_000;
  while ((await status(KEY_2)) !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.equal(await status(KEY_2), 401, 'the edited file is picked up without a signal');
  t.equal(await status(KEY_3), 200);
});

t.test('bad keys stop the start-up, naming the place and never the key', async (t) => {
  const file = path.join(t.testdir(), 'keys');
  await writeFile(file, `${KEY_1}\nshort-secret\n`);
  await t.rejects(buildApp(classifier, { ...config, apiKeysFile: file }, silentLogger), /keys line 2: an API key has at least 16 characters/);
  await t.rejects(buildApp(classifier, { ...config, apiKeys: ['has space in it 0123456789'] }, silentLogger), { message: /^API_KEYS entry 1: an API key holds only/ });
  await writeFile(file, '# nothing yet\n');
  await t.rejects(buildApp(classifier, { ...config, apiKeysFile: file }, silentLogger), /holds no API key/);
  await t.rejects(buildApp(classifier, { ...config, apiKeysFile: `${file}.missing` }, silentLogger), /API_KEYS_FILE .* cannot be read/);
});

t.test('the key never reaches the log, even at trace level and when headers are logged', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino(serviceLoggerOptions('trace'), stream);
  const app = await appWith(t, { apiKeys: [KEY_1] }, logger);
  app.get('/log-headers', async (request) => {
    request.log.info({ req: { headers: request.headers } }, 'a route that logs its headers');
    request.log.info({ headers: request.headers }, 'and bare');
    return {};
  });
  await app.inject({ url: '/model', headers: bearer(KEY_1) });
  await app.inject({ url: '/model', headers: bearer(`${KEY_1}x`) });
  await app.inject({ url: '/model', headers: { authorization: `Basic ${KEY_1}` } });
  t.equal((await app.inject({ url: '/log-headers', headers: bearer(KEY_1) })).statusCode, 200);
  const log = lines.join('');
  t.match(log, /"code":"UNAUTHORIZED"/, 'the refusals are logged');
  t.match(log, /"authorization":"\[redacted\]"/, 'a logged Authorization header is censored');
  t.notMatch(log, KEY_1, 'no key in the log');
});

t.test('RATE_LIMIT_MAX: 429 RATE_LIMITED with Retry-After, one bucket per key; health is never counted', async (t) => {
  const app = await appWith(t, { apiKeys: [KEY_1, KEY_2], rateLimitMax: 3, rateLimitWindowMs: 60_000 });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/model', headers: bearer(KEY_1) })).statusCode, 200);
  const limited = await app.inject({ url: '/model', headers: bearer(KEY_1) });
  expectError(t, limited, 429, 'RATE_LIMITED', /at most 3 requests per 60 s/);
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60, `Retry-After ${limited.headers['retry-after']} s`);
  t.equal(limited.headers['x-ratelimit-remaining'], '0');
  t.equal((await app.inject({ url: '/model', headers: bearer(KEY_2) })).statusCode, 200, 'another key has its own bucket');
  for (let i = 0; i < 10; i++) t.equal((await app.inject('/health/ready')).statusCode, 200);
  // /metrics is open: a made-up token must not buy a fresh bucket, the address counts.
  const metrics = [];
  for (let i = 0; i < 4; i++) metrics.push((await app.inject({ url: '/metrics', headers: bearer(`made-up-token-${i}-0123456789`) })).statusCode);
  t.same(metrics, [200, 200, 200, 429]);
});

t.test('RATE_LIMIT_MAX without keys: one bucket per client address', async (t) => {
  const app = await appWith(t, { rateLimitMax: 2 });
  const status = async (remoteAddress: string) => (await app.inject({ url: '/model', remoteAddress })).statusCode;
  t.same([await status('10.0.0.1'), await status('10.0.0.1'), await status('10.0.0.1')], [200, 200, 429]);
  t.equal(await status('10.0.0.2'), 200);
});

t.test('security headers on answers and refusals; /docs loads its scripts and styles under the CSP', async (t) => {
  const app = await appWith(t, { apiKeys: [KEY_1] });
  for (const res of [await app.inject({ url: '/model', headers: bearer(KEY_1) }), await app.inject('/model')]) {
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    t.match(res.headers['content-security-policy'], /default-src 'self'/);
    t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
  }
  const page = await app.inject({ url: '/docs/', headers: bearer(KEY_1) });
  t.equal(page.statusCode, 200);
  const csp = String(page.headers['content-security-policy']);
  const directive = (name: string) => csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1) ?? [];
  t.ok(directive('script-src').includes("'self'"), `script-src allows the page's own scripts: ${csp}`);
  t.ok(directive('style-src').includes("'self'"), 'style-src allows its own styles');
  t.ok(directive('img-src').includes('data:'), 'img-src allows the data: icons of its CSS');
  t.notMatch(csp, /upgrade-insecure-requests/, 'over plain HTTP the assets are not moved to HTTPS');
  const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map(([, src]) => src!);
  const styles = [...page.body.matchAll(/<link rel="stylesheet" type="text\/css" href="([^"]+)"/g)].map(([, href]) => href!);
  t.ok(scripts.length >= 3 && styles.length >= 1, `${scripts.length} scripts, ${styles.length} styles`);
  for (const asset of [...scripts, ...styles]) {
    const url = new URL(asset, 'http://pi.local/docs/');
    t.equal(url.origin, 'http://pi.local', `${asset} is same-origin ('self')`);
    const res = await app.inject({ url: url.pathname, headers: bearer(KEY_1) });
    t.equal(res.statusCode, 200, `${url.pathname} 200`);
    t.match(res.headers['content-type'], asset.endsWith('.js') ? /javascript/ : /text\/css/);
  }
});

t.test('CORS: off unless CORS_ORIGINS; a preflight is answered for a configured origin only', async (t) => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS' as const,
    url: '/classify',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
  });
  const closed = await appWith(t, {});
  t.equal((await closed.inject(preflight('http://lab-pc.local:3000'))).headers['access-control-allow-origin'], undefined);

  const app = await appWith(t, { apiKeys: [KEY_1], corsOrigins: ['http://lab-pc.local:3000'] });
  const allowed = await app.inject(preflight('http://lab-pc.local:3000'));
  t.equal(allowed.statusCode, 204, 'answered before authentication: a browser sends no key with a preflight');
  t.equal(allowed.headers['access-control-allow-origin'], 'http://lab-pc.local:3000');
  t.match(allowed.headers['access-control-allow-headers'], /authorization/);
  t.match(allowed.headers['access-control-allow-methods'], /POST/);
  const other = await app.inject(preflight('http://elsewhere.example'));
  t.equal(other.headers['access-control-allow-origin'], undefined, 'another origin is not allowed');
  const get = await app.inject({ url: '/model', headers: { origin: 'http://lab-pc.local:3000', ...bearer(KEY_1) } });
  t.equal(get.statusCode, 200);
  t.equal(get.headers['access-control-allow-origin'], 'http://lab-pc.local:3000');
  t.match(get.headers['access-control-expose-headers'], /x-request-id/);
});

t.test('over a real socket: fetch with and without a key', async (t) => {
  const app = await appWith(t, { apiKeys: [KEY_1], rateLimitMax: 100 });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const refused = await fetch(`${url}/model`);
  t.equal(refused.status, 401);
  t.equal(refused.headers.get('www-authenticate'), 'Bearer realm="leukoserve"');
  t.equal(((await refused.json()) as { code: string }).code, 'UNAUTHORIZED');
  const accepted = await fetch(`${url}/model`, { headers: bearer(KEY_1) });
  t.equal(accepted.status, 200);
  t.equal(accepted.headers.get('x-ratelimit-limit'), '100');
  t.equal((await fetch(`${url}/health/live`)).status, 200);
});
