import path from 'node:path';
import t from 'tap';
import { HttpMetrics } from '../../src/http/metrics.js';
import { ModelRepository } from '../../src/service/index.js';
import { softmax } from '../../src/service/softmax.js';
import { openCpuClassifier } from '../support/cpu-classifier.js';
import { withoutDetach } from '../support/detach.js';
import { fixture } from '../support/fixtures.js';
import { modelVariant } from '../support/model-variant.js';
import { openStickClassifier } from '../support/mocked-stick.js';

const cacheDir = t.testdir();
const classifier = await openCpuClassifier({ cacheDir });
t.teardown(() => classifier.close());

t.test('classify: a labelled prediction from the real model on CPU, the same for the same bytes', async (t) => {
  const { bytes, filename } = fixture('all1');
  const first = await classifier.classify(bytes, filename);
  t.equal(first.filename, 'UID_1_2_2_all.bmp');
  t.same(Object.keys(first.scores), ['normal', 'ALL']);
  t.ok(Math.abs(first.scores.normal! + first.scores.ALL! - 1) < 1e-4);
  t.equal(first.label, first.scores.ALL! > first.scores.normal! ? 'ALL' : 'normal');
  const again = await classifier.classify(bytes);
  t.equal(again.filename, null);
  t.same(again.scores, first.scores, 'deterministic');
  t.same(classifier.summary, { name: 'leukoserve-inception-v3', version: classifier.model.manifest.version, trained: false, precision: 'f32', ir: 'model-fp32.xml' });
  t.match(classifier.warnings()[0], /UNTRAINED/);
  t.equal(classifier.device, 'CPU');
  t.same(classifier.readiness(), { ready: true });
});

t.test('classify with releaseBytes: the same prediction, and the upload freed once decoded', { skip: withoutDetach }, async (t) => {
  const { bytes } = fixture('all1');
  const lent = await classifier.classify(bytes);
  const handedOver = new Uint8Array(bytes);
  const prediction = await classifier.classify(handedOver, null, { releaseBytes: true });
  t.same(prediction.scores, lent.scores);
  t.equal(handedOver.length, 0, 'freed');
  t.not(bytes.length, 0, 'lent bytes left alone');
});

t.test("a manifest whose output kind is 'logits' gets a softmax", async (t) => {
  const dir = await modelVariant(t, (m) => {
    (m.output as { kind: string }).kind = 'logits';
  });
  const logits = await openCpuClassifier({ cacheDir }, dir);
  t.teardown(() => logits.close());
  const { bytes } = fixture('hem1');
  const raw = await classifier.classify(bytes);
  const soft = await logits.classify(bytes);
  const expected = softmax([raw.scores.normal!, raw.scores.ALL!]);
  t.ok(Math.abs(soft.scores.normal! - expected[0]!) < 1e-6);
  t.ok(Math.abs(soft.scores.ALL! - expected[1]!) < 1e-6);
  t.not(soft.scores.normal, raw.scores.normal);
});

t.test('open refuses a manifest that does not match the model, and frees what it made', async (t) => {
  const dir = await modelVariant(t, (m) => {
    m.labels = ['normal', 'ALL', 'other'];
  });
  await t.rejects(openCpuClassifier({ cacheDir }, dir), { code: 'MODEL_MISMATCH', message: 'model output predictions has 2 values, manifest lists 3 labels' });
  await t.rejects(openCpuClassifier({}, path.join(dir, 'missing')), {
    code: 'MODEL_MANIFEST_INVALID',
    message: /cannot read .*missing\/manifest\.json/,
  });
});

t.test('close drains and is idempotent; afterwards the classifier is not ready', async (t) => {
  const own = await openCpuClassifier({ cacheDir });
  const pending = own.classify(fixture('field').bytes);
  const closing = own.close();
  t.same(own.readiness(), { ready: false, reason: 'the service is shutting down' });
  t.ok((await pending).label, 'the image started before close() is still classified');
  await closing;
  await own.close();
  await t.rejects(own.classify(fixture('field').bytes), { code: 'CLASSIFIER_CLOSED', message: /closing/ });
});

t.test('a mocked stick that vanishes mid-inference: the model fails over to the real CPU; the metric follows', async (t) => {
  const { classifier: failing, stick } = await openStickClassifier({ cacheDir });
  t.teardown(() => failing.close());
  const metrics = new HttpMetrics(ModelRepository.of(failing));
  t.equal(failing.device, 'MYRIAD');
  const { bytes } = fixture('all1');
  stick.failing = true;
  stick.plugged = false;
  for (let i = 0; i < 3; i++) await t.rejects(failing.classify(bytes), { code: 'OPENVINO_ERROR', message: /X_LINK_ERROR/ });
  t.equal(failing.readiness().ready, false);
  t.match(failing.readiness(), { reason: /MYRIAD was lost \(.*X_LINK_ERROR\); recompiling on the next device/ });
  await t.rejects(failing.classify(bytes), { code: 'BACKEND_NOT_READY' }, 'refused at once while recompiling');
  // Poll: recompiling Inception on the CPU takes a moment (no timing is asserted).
  while (!failing.readiness().ready) await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(failing.device, 'CPU');
  t.match(failing.inferenceReport().switches, [{ kind: 'failover', device: 'MYRIAD', reason: /X_LINK_ERROR/, to: 'CPU' }]);
  const deviceInfo = await metrics.registry.getSingleMetricAsString('leukoserve_device_info');
  t.match(deviceInfo, /leukoserve_device_info\{device="CPU",model="leukoserve-inception-v3",version="1"\} 1/, 'the device metric follows the failover');
  t.notMatch(deviceInfo, /MYRIAD/);
  const after = await failing.classify(bytes);
  const reference = await classifier.classify(bytes);
  t.same(after.scores, reference.scores, 'the CPU answers as the CPU classifier does');
});

t.test('failback: the mocked stick plugged in again takes the model back in the background, no request fails', async (t) => {
  const { classifier: served, stick } = await openStickClassifier({ cacheDir, failbackIntervalMs: 50 });
  t.teardown(() => served.close());
  stick.failing = true;
  stick.plugged = false;
  const { bytes } = fixture('hem1');
  for (let i = 0; i < 3; i++) await t.rejects(served.classify(bytes));
  const device = () => served.device;
  while (device() !== 'CPU' || !served.readiness().ready) await new Promise((resolve) => setTimeout(resolve, 20));
  const opened = stick.opened;
  stick.failing = false;
  stick.plugged = true;
  // Two clients keep sending while the stick compiles and the CPU pool drains: no request may fail.
  const outcomes: PromiseSettledResult<unknown>[] = [];
  const client = async () => {
    while (device() !== 'MYRIAD') outcomes.push(...(await Promise.allSettled([served.classify(bytes)])));
    outcomes.push(...(await Promise.allSettled([served.classify(bytes)])));
  };
  await Promise.all([client(), client()]);
  t.ok(outcomes.length >= 4, `${outcomes.length} requests sent during the failback`);
  t.same(outcomes.filter((r) => r.status === 'rejected'), [], 'none failed');
  t.equal(stick.opened, opened + 1, 'compiled on the stick once more');
  t.match(served.inferenceReport().switches, [
    { kind: 'failover', device: 'MYRIAD', to: 'CPU' },
    { kind: 'failback', device: 'CPU', reason: 'MYRIAD is available again', to: 'MYRIAD' },
  ]);
  t.same(served.readiness(), { ready: true });
});
