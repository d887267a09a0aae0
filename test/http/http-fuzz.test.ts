import fc from 'fast-check';
import t, { type Test } from 'tap';
import { loadConfig, serviceSettings } from '../../src/config/index.js';
import { PUBLIC_ERROR_CODES } from '../../src/http/errors.js';
import { startServer } from '../../src/http/server.js';
import { Classifier } from '../../src/service/index.js';
import { silentLogger } from '../support/cpu-classifier.js';
import { FIXTURES, fixture, MODEL_DIR, type FixtureName } from '../support/fixtures.js';
import { rawExchange } from '../support/raw-http.js';

// Hostile clients through HTTP: random damage to the fixture images and random multipart framings
// (boundaries missing, duplicated, truncated; random headers; lying Content-Length; wrong
// Content-Type), through inject and, for a subset, a real socket. Never a 5xx, never a hang, every
// refusal the error shape with a public code, and the next good request a 200.
// CI runs FUZZ_RUNS (default 60) cases a property with a fixed seed; more on demand, e.g.
//   FUZZ_RUNS=1000 FUZZ_SEED=$RANDOM npx tap test/http/http-fuzz.test.ts
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SOCKET_RUNS = Math.max(5, Math.round(RUNS / 6));
const SEED = Number(process.env.FUZZ_SEED ?? 20240615);
const ANSWER_WITHIN_MS = 15_000;
const UPLOAD_MS = 2000;

const { config } = loadConfig(['--port', '0', '--device', 'CPU', '--model-dir', MODEL_DIR, '--upload-timeout-ms', String(UPLOAD_MS)], {});
const server = await startServer(await Classifier.open(serviceSettings(config)), config, silentLogger);
t.teardown(() => server.close());
const { app, url } = server;

const NAMES = Object.keys(FIXTURES) as FixtureName[];
const IMAGES = NAMES.map((n) => fixture(n).bytes);
const outcomes = new Map<string, number>();
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
const started = performance.now();

/** The contract every answer keeps; throws (failing the property) otherwise. */
function check(kind: string, status: number | null, body: unknown): void {
  if (status === null) throw new Error('no answer');
  if (body === null || typeof body !== 'object') throw new Error(`${status} without a JSON body`);
  if (status >= 500) throw new Error(`${status}: ${JSON.stringify(body)}`);
  if (status === 200) {
    if (!Array.isArray((body as { predictions?: unknown }).predictions)) throw new Error(`200 without predictions: ${JSON.stringify(body)}`);
  } else {
    const keys = Object.keys((body ?? {}) as object).sort().join(',');
    const code = (body as { code?: string }).code;
    if (keys !== 'code,error,message,statusCode') throw new Error(`${status} not in the error shape: ${JSON.stringify(body)}`);
    if (!(PUBLIC_ERROR_CODES as readonly string[]).includes(code!)) throw new Error(`${status} with a code not in the public table: ${code}`);
  }
  count(`${kind} ${status}${status === 200 ? '' : ` ${(body as { code: string }).code}`}`);
}

function withDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Damage to bytes: flips, overwrites, cuts, insertions, at random offsets (fractions of the length). */
const damage = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('overwrite' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 256 }) }),
  ),
  { maxLength: 6 },
);
type Damage = typeof damage extends fc.Arbitrary<infer D> ? D : never;

function applyDamage(original: Uint8Array, steps: Damage): Buffer {
  let bytes = Buffer.from(original);
  for (const step of steps) {
    const at = Math.floor(step.at * bytes.length);
    if (step.kind === 'flip' && at < bytes.length) bytes[at]! ^= 1 << step.bit;
    else if (step.kind === 'overwrite') bytes.set(step.bytes.subarray(0, bytes.length - at), at);
    else if (step.kind === 'cut') bytes = bytes.subarray(0, at);
    else if (step.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), step.bytes, bytes.subarray(at)]);
  }
  return bytes;
}

const token = fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const contentTypes = fc.constantFrom('image/jpeg', 'image/png', 'image/bmp', 'image/webp', 'image/tiff', 'application/octet-stream', 'text/plain', 'application/json', 'image/gif', 'multipart/mixed');

const part = fc.record({
  field: fc.oneof(fc.constant('image'), fc.constant('other'), headerValue),
  filename: fc.option(headerValue),
  content: fc.oneof(fc.record({ image: fc.nat(NAMES.length - 1), damage }), fc.uint8Array({ maxLength: 2048 })),
  headers: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), headerValue), { maxLength: 3 }),
});

/** A multipart request framed right or wrong. */
const framing = fc.record({
  boundary: token,
  header: fc.constantFrom('same', 'missing', 'other', 'quoted', 'empty'),
  parts: fc.array(part, { maxLength: 4 }),
  duplicate: fc.option(fc.nat(8)), // a delimiter line repeated
  closing: fc.constantFrom('proper', 'missing', 'no-crlf', 'other'),
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })), // the body truncated there
  contentType: fc.option(contentTypes, { freq: 4 }), // instead of multipart, sometimes
  extraHeaders: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z]{1,12}$/), headerValue), { maxLength: 3 }),
  contentLength: fc.option(fc.constantFrom('huge', 'short', 'zero'), { freq: 3 }),
});
type Framing = typeof framing extends fc.Arbitrary<infer F> ? F : never;

function frame(f: Framing): { headers: Record<string, string>; payload: Buffer } {
  const lines: Buffer[] = [];
  for (const p of f.parts) {
    const bytes = typeof (p.content as { image?: number }).image === 'number' ? applyDamage(IMAGES[(p.content as { image: number }).image]!, (p.content as { damage: Damage }).damage) : Buffer.from(p.content as Uint8Array);
    const disposition = `Content-Disposition: form-data; name="${p.field}"${p.filename === null ? '' : `; filename="${p.filename}"`}`;
    const head = [disposition, ...p.headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
    lines.push(Buffer.from(`--${f.boundary}\r\n${head}\r\n\r\n`), bytes, Buffer.from('\r\n'));
  }
  if (f.duplicate !== null && lines.length > 0) {
    const at = (f.duplicate % (lines.length / 3)) * 3;
    lines.splice(at, 0, lines[at]!);
  }
  const closing = { proper: `--${f.boundary}--\r\n`, missing: '', 'no-crlf': `--${f.boundary}--`, other: `--${f.boundary}x--\r\n` }[f.closing];
  let payload = Buffer.concat([...lines, Buffer.from(closing)]);
  if (f.cut !== null) payload = payload.subarray(0, Math.floor(f.cut * payload.length));
  const boundaryParam = { same: `; boundary=${f.boundary}`, missing: '', other: `; boundary=${f.boundary}Z`, quoted: `; boundary="${f.boundary}"`, empty: '; boundary=' }[f.header];
  const headers: Record<string, string> = Object.fromEntries(f.extraHeaders);
  headers['content-type'] = f.contentType ?? `multipart/form-data${boundaryParam}`;
  return { headers, payload };
}

const lengthHeader = (f: Framing, actual: number) => ({ huge: '99999999999', short: String(actual >> 1), zero: '0' })[f.contentLength!];

async function goodRequestServed(t: Test) {
  const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: fixture('hem1').bytes });
  t.equal(res.statusCode, 200, 'the next good request is served');
}

t.test(`${RUNS} damaged fixture images, raw or in a form, any Content-Type`, async (t) => {
  const property = fc.asyncProperty(fc.nat(NAMES.length - 1), damage, fc.boolean(), contentTypes, async (image, steps, asForm, type) => {
    const bytes = applyDamage(IMAGES[image]!, steps);
    const request = asForm
      ? frame({ boundary: 'b0und', header: 'same', parts: [{ field: 'image', filename: 'x', content: new Uint8Array(bytes), headers: [] }], duplicate: null, closing: 'proper', cut: null, contentType: null, extraHeaders: [], contentLength: null })
      : { headers: { 'content-type': type }, payload: bytes };
    const res = await withDeadline(app.inject({ method: 'POST', url: '/classify', ...request }));
    check(asForm ? 'image in a form' : 'raw image', res.statusCode, res.json());
  });
  await fc.assert(property, { numRuns: RUNS, seed: SEED, endOnFailure: true });
  await goodRequestServed(t);
});

t.test(`${RUNS} multipart framings through inject`, async (t) => {
  const property = fc.asyncProperty(framing, async (f) => {
    const { headers, payload } = frame(f);
    if (f.contentLength !== null) headers['content-length'] = lengthHeader(f, payload.length);
    const res = await withDeadline(app.inject({ method: 'POST', url: '/classify', headers, payload }));
    check('form', res.statusCode, res.json());
  });
  await fc.assert(property, { numRuns: RUNS, seed: SEED + 1, endOnFailure: true });
  await goodRequestServed(t);
});

t.test(`${SOCKET_RUNS} multipart framings over a real socket`, async (t) => {
  const property = fc.asyncProperty(framing, async (f) => {
    const { headers, payload } = frame(f);
    const length = f.contentLength === null ? String(payload.length) : lengthHeader(f, payload.length);
    const head = Object.entries({ host: 'x', ...headers, 'content-length': length })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    const res = await rawExchange(url, (socket) => void socket.write(Buffer.concat([Buffer.from(`POST /classify HTTP/1.1\r\n${head}\r\n\r\n`), payload])), ANSWER_WITHIN_MS);
    check('socket form', res.status, res.body);
  });
  await fc.assert(property, { numRuns: SOCKET_RUNS, seed: SEED + 2, endOnFailure: true });
  const res = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: fixture('hem1').bytes });
  t.equal(res.status, 200, 'the next good request over TCP is served');
});

t.teardown(() => {
  const lines = [...outcomes].sort().map(([key, n]) => `  ${key}: ${n}`);
  console.log(`# http fuzz: seed ${SEED}, ${RUNS} runs a property, ${SOCKET_RUNS} over a socket, ${((performance.now() - started) / 1000).toFixed(1)} s\n${lines.join('\n')}`);
});
