import t from 'tap';
import { loadConfig, serviceSettings } from '../../src/config/index.js';
import { startServer } from '../../src/http/server.js';
import { Classifier, type ClassifyResponse } from '../../src/service/index.js';
import { silentLogger } from '../support/cpu-classifier.js';
import { fixture, MODEL_DIR } from '../support/fixtures.js';

const { config } = loadConfig(['--port', '0', '--device', 'CPU', '--model-dir', MODEL_DIR], {});
const server = await startServer(await Classifier.open(serviceSettings(config)), config, silentLogger);
t.teardown(() => server.close());
t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);

function form(...names: ('all1' | 'hem1' | 'all2' | 'field')[]): FormData {
  const body = new FormData();
  for (const n of names) {
    const { filename, bytes } = fixture(n);
    body.append('image', new Blob([bytes]), filename);
  }
  return body;
}

t.test('a real listening server answers every endpoint over TCP', async (t) => {
  t.equal((await fetch(`${server.url}/health/live`)).status, 200);
  const ready = await fetch(`${server.url}/health/ready`);
  t.same(await ready.json(), { status: 'ready', device: 'CPU' });
  t.equal(((await (await fetch(`${server.url}/model`)).json()) as { name: string }).name, server.models.resolve().summary.name);
  t.equal(((await (await fetch(`${server.url}/devices`)).json()) as { compiled: { device: string } }).compiled.device, 'CPU');

  const res = await fetch(`${server.url}/classify`, { method: 'POST', body: form('all2', 'field') });
  t.equal(res.status, 200);
  t.match(res.headers.get('x-request-id'), /^[0-9a-f-]{36}$/);
  const body = (await res.json()) as ClassifyResponse;
  t.same(
    body.predictions.map((p) => p.filename),
    ['UID_1_3_1_all.bmp', 'BloodImage_00004.jpg'],
  );

  const raw = await fetch(`${server.url}/classify?filename=x.bmp`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: fixture('all2').bytes });
  t.equal(raw.status, 200);
  t.equal(((await raw.json()) as ClassifyResponse).predictions[0]!.label, body.predictions[0]!.label);

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  t.match(metrics, /leukoserve_http_requests_total\{route="\/classify",method="POST",status="200"\} 2/);
});

t.test('shutdown drains: a request in flight when close() starts still gets its 200, then the port is closed', async (t) => {
  const inFlight = fetch(`${server.url}/classify`, { method: 'POST', body: form('all1', 'hem1', 'all2', 'field') });
  // Close only once the images are on the pool, so the request is certainly in flight.
  const classifier = server.models.resolve();
  while (classifier.stats().active + classifier.stats().queued === 0) await new Promise((r) => setTimeout(r, 2));
  const closing = server.close();
  const res = await inFlight;
  t.equal(res.status, 200);
  t.equal(res.headers.get('connection'), 'close', 'its keep-alive socket closes instead of holding the server open');
  t.equal(((await res.json()) as ClassifyResponse).predictions.length, 4);
  await closing;
  t.equal(classifier.readiness().ready, false, 'pool closed after the drain');
  await t.rejects(fetch(`${server.url}/health/live`), 'nothing listens any more');
});
