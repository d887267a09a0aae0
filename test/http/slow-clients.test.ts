import { connect } from 'node:net';
import t from 'tap';
import { loadConfig, serviceSettings } from '../../src/config/index.js';
import { startServer } from '../../src/http/server.js';
import { Classifier } from '../../src/service/index.js';
import { silentLogger } from '../support/cpu-classifier.js';
import { fixture, MODEL_DIR } from '../support/fixtures.js';
import { multipart } from '../support/multipart.js';
import { dribble, rawExchange } from '../support/raw-http.js';

// Slowloris over real sockets on loopback: clients that dribble their headers or stall their body are
// cut within the configured limits (plus Node's one-second check), and a good client is served meanwhile.
const HEADERS_MS = 1000;
const UPLOAD_MS = 2000;
const CHECK_MS = 1000; // Node looks for overrunning connections this often (app.ts)
const SLACK_MS = 1500; // a loaded 2-core machine
const { config } = loadConfig(
  ['--port', '0', '--device', 'CPU', '--model-dir', MODEL_DIR, '--headers-timeout-ms', String(HEADERS_MS), '--upload-timeout-ms', String(UPLOAD_MS)],
  {},
);
const server = await startServer(await Classifier.open(serviceSettings(config)), config, silentLogger);
t.teardown(() => server.close());
const { url } = server;
const image = fixture('hem1');

async function goodRequest(): Promise<number> {
  const res = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: image.bytes });
  await res.arrayBuffer();
  return res.status;
}

t.test(`40 clients dribbling headers a byte each 100 ms are cut within ${HEADERS_MS} ms + ${CHECK_MS} ms; a good client is served meanwhile`, async (t) => {
  const head = `POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/bmp\r\nX-Padding: ${'p'.repeat(200)}\r\n\r\n`;
  const slow = Array.from({ length: 40 }, () => rawExchange(url, (socket) => dribble(socket, head, 100), 20_000));
  const served = await goodRequest();
  const results = await Promise.all(slow);
  t.equal(served, 200, 'the good client got its answer');
  t.ok(
    results.every((r) => r.closedByServer),
    'every slow connection closed by the server',
  );
  const worst = Math.max(...results.map((r) => r.elapsedMs));
  t.ok(worst <= HEADERS_MS + CHECK_MS + SLACK_MS, `the last one cut after ${worst} ms`);
  const statuses = new Set(results.map((r) => r.status));
  t.same([...statuses], [408], 'each answered 408');
  t.equal((results[0]!.body as { code: string }).code, 'REQUEST_TIMEOUT');
});

t.test(`a body that stalls half-way is cut within ${UPLOAD_MS} ms + ${CHECK_MS} ms, raw or multipart`, async (t) => {
  const form = await multipart([image]);
  const uploads = [
    { type: 'image/bmp', payload: image.bytes },
    { type: form.headers['content-type'], payload: form.payload },
  ];
  for (const { type, payload } of uploads) {
    const res = await rawExchange(
      url,
      (socket) => {
        socket.write(`POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${payload.length}\r\n\r\n`);
        socket.write(payload.subarray(0, payload.length >> 1)); // then nothing more
      },
      20_000,
    );
    t.ok(res.closedByServer || res.status !== null, `${type}: the server ended it`);
    t.ok(res.elapsedMs <= UPLOAD_MS + CHECK_MS + SLACK_MS, `${type}: after ${res.elapsedMs} ms`);
    t.equal(res.status, 408);
    t.equal((res.body as { code: string }).code, 'REQUEST_TIMEOUT');
  }
  t.equal(await goodRequest(), 200, 'and the next good request is served');
});

t.test('a keep-alive connection left idle after its answer is closed after KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const { hostname, port } = new URL(url);
  const idle = await new Promise<number>((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
    const opened = Date.now();
    socket.resume();
    socket.on('close', () => resolve(Date.now() - opened));
  });
  t.ok(idle >= config.keepAliveTimeoutMs - 200 && idle <= config.keepAliveTimeoutMs + CHECK_MS + SLACK_MS, `closed after ${idle} ms`);
});
