import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { loadConfig, serviceSettings } from '../../src/config/index.js';
import { startServer } from '../../src/http/server.js';
import { Classifier } from '../../src/service/index.js';
import { fixture, MODEL_DIR } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { multipart } from '../support/multipart.js';
import { rawExchange } from '../support/raw-http.js';

// Requests no client library would send: every one a 4xx in the error shape with a code, the client
// errors logged below error level, nothing internal (paths) leaving the server.
const { config } = loadConfig(['--port', '0', '--device', 'CPU', '--model-dir', MODEL_DIR], {});
const { logger, lines } = captureLogs();
const server = await startServer(await Classifier.open(serviceSettings(config)), config, logger);
t.teardown(() => server.close());
const { app, url } = server;
const ERROR_KEYS = ['code', 'error', 'message', 'statusCode'];

const image = fixture('hem1');
const disposition = `Content-Disposition: form-data; name="image"; filename="${image.filename}"\r\nContent-Type: image/bmp\r\n\r\n`;
const MULTIPART: [string, string, Buffer | string, number, string][] = [
  ['no boundary parameter', 'multipart/form-data', `--x\r\n${disposition}abc\r\n--x--\r\n`, 400, 'MALFORMED_MULTIPART'],
  ['no closing boundary', 'multipart/form-data; boundary=x', Buffer.concat([Buffer.from(`--x\r\n${disposition}`), image.bytes]), 400, 'MALFORMED_MULTIPART'],
  ['random bytes', 'multipart/form-data; boundary=x', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)), 400, 'MALFORMED_MULTIPART'],
  ['an empty boundary', 'multipart/form-data; boundary=', `--x\r\n${disposition}abc\r\n--x--\r\n`, 400, 'MALFORMED_MULTIPART'],
  ['40 fields', 'multipart/form-data; boundary=x', `${Array.from({ length: 40 }, (_, i) => `--x\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('')}--x--\r\n`, 413, 'TOO_MANY_FIELDS'],
  ['a field named __proto__', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nv\r\n--x--\r\n`, 400, 'MALFORMED_MULTIPART'],
  ['a JSON field that does not parse', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{nope\r\n--x--\r\n`, 400, 'MALFORMED_MULTIPART'],
];

for (const [name, contentType, payload, status, code] of MULTIPART) {
  t.test(`multipart with ${name} -> ${status} ${code}`, async (t) => {
    const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': contentType }, payload });
    t.equal(res.statusCode, status);
    t.same(Object.keys(res.json()).sort(), ERROR_KEYS);
    t.equal(res.json().code, code);
  });
}

const http = (head: string) => (socket: Socket) => void socket.write(head);
const RAW: [string, string, number, string][] = [
  ['headers over 16 KiB', `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
  ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'BAD_REQUEST'],
  ['a bad header line', 'GET /health/live HTTP/1.1\r\nHost x\r\n\r\n', 400, 'BAD_REQUEST'],
  ['two Content-Lengths', 'POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/bmp\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', 400, 'BAD_REQUEST'],
  ['bad chunked framing', 'POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/bmp\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 400, 'BAD_REQUEST'],
  ['bad percent-encoding in the path', 'GET /health/%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
];

for (const [name, head, status, code] of RAW) {
  t.test(`over TCP, ${name} -> ${status} ${code}`, async (t) => {
    const res = await rawExchange(url, http(head), 5000);
    t.equal(res.status, status);
    t.same(Object.keys(res.body as object).sort(), ERROR_KEYS);
    t.equal((res.body as { code: string }).code, code);
  });
}

t.test('a client that aborts its upload half-way is logged as CLIENT_ABORTED at info, not as an error', async (t) => {
  const before = lines.length;
  const form = await multipart([image, fixture('all1')]);
  const half = form.payload.subarray(0, form.payload.length >> 1);
  const res = await rawExchange(
    url,
    async (socket) => {
      socket.write(`POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: ${form.headers['content-type']}\r\nContent-Length: ${form.payload.length}\r\n\r\n`);
      socket.write(half);
      await sleep(200);
      socket.destroy();
    },
    5000,
  );
  t.equal(res.status, null, 'no answer: the client left');
  // The server sees the reset asynchronously.
  for (let i = 0; i < 100 && !lines.slice(before).some((l) => l.code === 'CLIENT_ABORTED'); i++) await sleep(20);
  const logged = lines.slice(before);
  t.ok(logged.some((l) => l.code === 'CLIENT_ABORTED' && l.level === 30), 'logged at info with its code');
  t.same(logged.filter((l) => (l.level as number) >= 50), [], 'nothing at error level');
  t.equal((await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: image.bytes })).status, 200, 'the next request is served');
});

t.test('GET /devices names the OpenVINO library by file name only: no absolute path leaves the server', async (t) => {
  const body = await (await fetch(`${url}/devices`)).text();
  t.match(JSON.parse(body).runtime.library, /^libopenvino_c\.so/);
  t.notMatch(body, /\/[\w.-]+\/[\w.-]*libopenvino/, 'no directory before the library name');
  t.notMatch(body, MODEL_DIR);
});
