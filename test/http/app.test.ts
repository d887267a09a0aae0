import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, type App } from '../../src/http/app.js';
import type { ClassifyResponse } from '../../src/service/index.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { withoutDetach } from '../support/detach.js';
import { fixture, MODEL_DIR } from '../support/fixtures.js';
import { multipart } from '../support/multipart.js';

const config = loadConfig([], {}).config;
const classifier = await openCpuClassifier();
t.teardown(() => classifier.close());

/** A fake sysfs with one NCS2 waiting for its firmware: a mocked stick, none is plugged in here. */
const sysfsRoot = t.testdir();
await mkdir(path.join(sysfsRoot, 'bus/usb/devices/1-1.4'), { recursive: true });
await writeFile(path.join(sysfsRoot, 'bus/usb/devices/1-1.4/idVendor'), '03e7\n');
await writeFile(path.join(sysfsRoot, 'bus/usb/devices/1-1.4/idProduct'), '2485\n');

async function appWith(overrides: Partial<typeof config> = {}): Promise<App> {
  const app = await buildApp(classifier, { ...config, ...overrides }, silentLogger, { sysfsRoot });
  t.teardown(() => app.close());
  return app;
}

const app = await appWith();

async function classifyMultipart(target: App, names: ('all1' | 'hem1' | 'all2' | 'field')[]) {
  const body = await multipart(names.map((n) => ({ ...fixture(n), type: 'image/bmp' })));
  return target.inject({ method: 'POST', url: '/classify', ...body });
}

/** After any bad request the service must still answer a good one. */
async function expectStillServing(t: Test, target: App = app) {
  const res = await classifyMultipart(target, ['hem1']);
  t.equal(res.statusCode, 200, 'a good request right after still gets 200');
}

function expectError(t: Test, res: { statusCode: number; json(): unknown }, statusCode: number, code: string, message?: RegExp) {
  t.equal(res.statusCode, statusCode, `status ${statusCode}`);
  const body = res.json() as Record<string, unknown>;
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], 'Fastify error shape');
  t.equal(body.code, code);
  t.equal(body.statusCode, statusCode);
  t.notMatch(String(body.message), /\n\s+at /, 'no stack trace');
  if (message) t.match(body.message, message);
}

t.test('health: live and ready', async (t) => {
  const live = await app.inject('/health/live');
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'live' });
  const ready = await app.inject('/health/ready');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', device: 'CPU' });
});

t.test('GET /model is the manifest of the loaded model', async (t) => {
  const res = await app.inject('/model');
  t.equal(res.statusCode, 200);
  const { readFile } = await import('node:fs/promises');
  const { repository, ...manifest } = res.json();
  t.same(manifest, JSON.parse(await readFile(path.join(MODEL_DIR, 'manifest.json'), 'utf8')));
  t.match(repository, [{ name: classifier.summary.name, version: '1', state: 'ready', reason: null, device: 'CPU' }], 'what is loaded where');
});

t.test('GET /devices: runtime, CPU with its full name, compiled device, and the mocked stick invisible to the runtime', async (t) => {
  const res = await app.inject('/devices');
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body.models, [{ version: '1', state: 'ready', device: 'CPU' }], 'each model version and its device');
  t.match(body.runtime.version, /^\d{4}\.\d+/);
  t.match(body.runtime.library, /^libopenvino_c\.so[.\d]*$/, 'the file name only: no absolute path leaves the server');
  const cpu = body.available.find((d: { name: string }) => d.name === 'CPU');
  t.ok(cpu && cpu.fullName.length > 0, 'CPU listed with a full name');
  t.equal(body.compiled.device, 'CPU');
  t.match(body.compiled.precision, { requested: 'f32', actual: 'f32', served: 'f32', ir: 'model-fp32.xml', reason: 'CPU_PRECISION=f32' });
  t.ok(Date.parse(body.compiled.since) <= Date.now());
  t.ok(body.compiled.numRequests >= 1);
  t.same(body.usb.sticks.map((s: { sysfsName: string; state: string; visibleToRuntime: boolean }) => [s.sysfsName, s.state, s.visibleToRuntime]), [
    ['1-1.4', 'awaiting-firmware', false],
  ]);
  t.match(body.hints.join('\n'), /invisible to the runtime/);
  t.match(body.hints.join('\n'), /97-myriad-usbboot\.rules/);
  t.match(body.hints.join('\n'), /c 189:\* rmw/);
});

t.test('POST /classify multipart batch: upload order, per-file results equal to single-image results', async (t) => {
  const names = ['all1', 'hem1', 'field'] as const;
  const res = await classifyMultipart(app, [...names]);
  t.equal(res.statusCode, 200);
  const body = res.json() as ClassifyResponse;
  t.same(body.model, { name: classifier.summary.name, version: classifier.summary.version, trained: false, precision: 'f32', ir: 'model-fp32.xml' });
  t.equal(body.device, 'CPU');
  t.same(
    body.predictions.map((p) => p.filename),
    names.map((n) => fixture(n).filename),
  );
  t.equal(body.warnings.length, 1);
  t.match(body.warnings[0], /UNTRAINED.*not a diagnosis/);
  for (const p of body.predictions) {
    const values = Object.values(p.scores);
    t.same(Object.keys(p.scores), ['normal', 'ALL']);
    t.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${p.filename}: scores sum to 1`);
    t.equal(p.score, Math.max(...values), `${p.filename}: score is the best`);
    t.equal(p.scores[p.label], p.score);
    t.ok(p.timing_ms.decode > 0 && p.timing_ms.infer > 0 && p.timing_ms.queue >= 0);
  }
  t.not(body.predictions[0]!.scores.ALL, body.predictions[2]!.scores.ALL, 'different images, different scores');
  for (const [i, name] of names.entries()) {
    const single = (await classifyMultipart(app, [name])).json() as ClassifyResponse;
    const batched = body.predictions[i]!;
    t.equal(single.predictions[0]!.label, batched.label);
    for (const label of ['normal', 'ALL']) t.ok(Math.abs(single.predictions[0]!.scores[label]! - batched.scores[label]!) < 1e-5, `${name} ${label}`);
  }
});

t.test('POST /classify raw body: image/jpeg with ?filename=, octet-stream without', async (t) => {
  const { bytes, filename } = fixture('field');
  const named = await app.inject({ method: 'POST', url: `/classify?filename=${filename}`, headers: { 'content-type': 'image/jpeg' }, payload: bytes });
  t.equal(named.statusCode, 200);
  const viaForm = ((await classifyMultipart(app, ['field'])).json() as ClassifyResponse).predictions[0]!;
  const p = (named.json() as ClassifyResponse).predictions[0]!;
  t.equal(p.filename, filename);
  t.ok(Math.abs(p.scores.ALL! - viaForm.scores.ALL!) < 1e-5, 'same result as the multipart upload');
  const anonymous = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'application/octet-stream' }, payload: fixture('all1').bytes });
  t.equal(anonymous.statusCode, 200);
  t.equal((anonymous.json() as ClassifyResponse).predictions[0]!.filename, null);
});

t.test('POST /classify hands each upload over to be freed once decoded: a raw body and multipart parts (BMPs: a small part may be a view of the form, left alone)', { skip: withoutDetach }, async (t) => {
  const handed: Parameters<typeof classifier.classify>[] = [];
  const classify = classifier.classify.bind(classifier);
  classifier.classify = (...args) => {
    handed.push(args);
    return classify(...args);
  };
  t.teardown(() => {
    classifier.classify = classify;
  });
  const raw = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: fixture('all1').bytes });
  t.equal(raw.statusCode, 200);
  t.equal((await classifyMultipart(app, ['hem1', 'all2'])).statusCode, 200);
  t.equal(handed.length, 3);
  for (const [bytes, , options] of handed) {
    t.same(options, { releaseBytes: true });
    t.equal(bytes.length, 0, 'the upload is freed');
  }
});

t.test('errors: each bad request gets its code, and the next good request a 200', async (t) => {
  t.test('unsupported image format (GIF)', async (t) => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;', 'latin1');
    const body = await multipart([{ filename: 'cell.gif', bytes: gif, type: 'image/gif' }]);
    expectError(t, await app.inject({ method: 'POST', url: '/classify', ...body }), 415, 'UNSUPPORTED_IMAGE_FORMAT', /image\[0\] "cell\.gif": .*GIF/);
    await expectStillServing(t);
  });
  t.test('corrupt image (truncated JPEG)', async (t) => {
    const truncated = fixture('field').bytes.subarray(0, 3000);
    const res = await app.inject({ method: 'POST', url: '/classify?filename=cut.jpg', headers: { 'content-type': 'image/jpeg' }, payload: truncated });
    expectError(t, res, 422, 'CORRUPT_IMAGE', /image "cut\.jpg"/);
    await expectStillServing(t);
  });
  t.test('a corrupt image in the middle of a batch names that image', async (t) => {
    const body = await multipart([
      { ...fixture('all1') },
      { filename: 'bad.bmp', bytes: fixture('hem1').bytes.subarray(0, 100) },
      { ...fixture('all2') },
    ]);
    expectError(t, await app.inject({ method: 'POST', url: '/classify', ...body }), 422, 'CORRUPT_IMAGE', /^image\[1\] "bad\.bmp": /);
    await expectStillServing(t);
  });
  t.test('too many pixels (a 42 MP PNG, over the 40 MP default)', async (t) => {
    const big = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: '#808080' } }).png().toBuffer();
    const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/png' }, payload: big });
    expectError(t, res, 413, 'IMAGE_TOO_LARGE', /42000000/);
    await expectStillServing(t);
  });
  t.test('too many files', async (t) => {
    const small = await appWith({ maxFiles: 2 });
    expectError(t, await classifyMultipart(small, ['all1', 'hem1', 'all2']), 413, 'TOO_MANY_FILES', /at most 2 images/);
    await expectStillServing(t, small);
  });
  t.test('file and body too large', async (t) => {
    const tight = await appWith({ maxFileBytes: 200_000 });
    const jpeg = fixture('field').bytes; // about 90 kB: fits
    const bmp = fixture('all1').bytes; // 450x450x3 = 600 kB: does not
    t.ok(jpeg.length < 200_000 && bmp.length > 200_000, 'fixture sizes straddle the limit');
    expectError(t, await classifyMultipart(tight, ['all1']), 413, 'FILE_TOO_LARGE', /at most 200000 bytes/);
    const raw = await tight.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: bmp });
    expectError(t, raw, 413, 'BODY_TOO_LARGE', /at most 200000 bytes/);
    const ok = await tight.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/jpeg' }, payload: jpeg });
    t.equal(ok.statusCode, 200);
  });
  t.test('no image: a form without an `image` part, an empty part, an empty body, no body', async (t) => {
    const textOnly = await multipart([{ field: 'note', bytes: 'hello' }, { field: 'picture', filename: 'x.bmp', bytes: fixture('hem1').bytes }]);
    expectError(t, await app.inject({ method: 'POST', url: '/classify', ...textOnly }), 400, 'NO_IMAGE', /no file part named `image`/);
    const emptyPart = await multipart([{ filename: 'empty.jpg', bytes: new Uint8Array(0) }]);
    expectError(t, await app.inject({ method: 'POST', url: '/classify', ...emptyPart }), 400, 'NO_IMAGE', /"empty\.jpg" is empty/);
    expectError(t, await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/jpeg' }, payload: Buffer.alloc(0) }), 400, 'NO_IMAGE');
    expectError(t, await app.inject({ method: 'POST', url: '/classify' }), 400, 'NO_IMAGE');
    await expectStillServing(t);
  });
  t.test('unsupported Content-Type', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'application/json' }, payload: '{"image":"x"}' });
    expectError(t, res, 415, 'UNSUPPORTED_MEDIA_TYPE', /multipart\/form-data/);
    await expectStillServing(t);
  });
  t.test('unknown route', async (t) => {
    expectError(t, await app.inject('/nope'), 404, 'NOT_FOUND', /GET \/nope/);
  });
});

t.test('GET /metrics: counters and histograms after requests', async (t) => {
  const metricsApp = await appWith();
  await classifyMultipart(metricsApp, ['all1', 'hem1']);
  await metricsApp.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from('not an image') });
  const res = await metricsApp.inject('/metrics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  const text = res.body;
  t.match(text, /leukoserve_http_requests_total\{route="\/classify",method="POST",status="200"\} 1\n/);
  t.match(text, /leukoserve_http_requests_total\{route="\/classify",method="POST",status="415"\} 1\n/);
  t.match(text, /leukoserve_http_request_duration_seconds_count\{route="\/classify"\} 2\n/);
  const labels = `model="${classifier.summary.name}",version="1"`;
  for (const stage of ['decode', 'queue', 'infer']) t.match(text, `leukoserve_${stage}_seconds_count{${labels}} 2\n`);
  t.match(text, /leukoserve_queue_depth 0\n/);
  t.match(text, /leukoserve_active_inferences 0\n/);
  t.match(text, `leukoserve_device_info{device="CPU",${labels}} 1\n`);
  t.match(text, `leukoserve_model_info{${labels},name="${classifier.summary.name}",manifest_version="${classifier.summary.version}",trained="false"} 1\n`);
  t.match(text, /process_cpu_user_seconds_total/);
});

t.test('OpenAPI at /docs/json and the UI at /docs', async (t) => {
  const res = await app.inject('/docs/json');
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\./);
  for (const route of ['/classify', '/devices', '/health/live', '/health/ready', '/model', '/metrics']) t.ok(doc.paths[route], route);
  t.ok(doc.paths['/classify'].post.responses['503'], 'error responses documented');
  const content = doc.paths['/classify'].post.requestBody.content;
  t.same(content['multipart/form-data'].schema.properties.image.items, { type: 'string', format: 'binary' });
  t.same(Object.keys(content).sort(), ['application/octet-stream', 'image/bmp', 'image/jpeg', 'image/png', 'image/tiff', 'image/webp', 'multipart/form-data']);
  const ui = await app.inject('/docs/');
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});

t.test('request ids: echoed from X-Request-Id, generated otherwise', async (t) => {
  const given = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
  t.equal(given.headers['x-request-id'], 'abc-123');
  const generated = await app.inject('/health/live');
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});
