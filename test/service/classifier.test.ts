import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { inceptionScale } from '../../src/imaging/index.js';
import { InferencePool, OpenVinoError, Runtime } from '../../src/inference/index.js';
import { loadManifest } from '../../src/model/manifest.js';
import { HttpMetrics } from '../../src/http/metrics.js';
import { Classifier, wantsFp16 } from '../../src/service/classifier.js';
import { mockedStick } from '../support/mocked-stick.js';
import { softmax } from '../../src/service/softmax.js';
import { fixture, MODEL_DIR, openCpuClassifier } from '../http/helpers.js';

const cacheDir = t.testdir();
const classifier = await openCpuClassifier({ cacheDir });
t.teardown(() => classifier.close());

/** A model directory with the default IR and an edited manifest. */
async function variant(t: Test, edit: (manifest: Record<string, unknown>) => void): Promise<string> {
  const dir = t.testdir();
  const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const file of ['model-fp32.xml', 'model-fp32.bin', 'model-fp16.xml', 'model-fp16.bin']) {
    await symlink(path.join(MODEL_DIR, file), path.join(dir, file));
  }
  return dir;
}

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
  t.same(classifier.summary, { name: 'leukoserve-inception-v3', version: classifier.model.manifest.version, trained: false });
  t.match(classifier.warnings[0], /UNTRAINED/);
  t.equal(classifier.device, 'CPU');
  t.equal(classifier.ready, true);
});

t.test("a manifest whose output kind is 'logits' gets a softmax", async (t) => {
  const dir = await variant(t, (m) => {
    (m.output as { kind: string }).kind = 'logits';
  });
  const logits = await Classifier.open({ modelDir: dir, devices: ['CPU'], maxQueue: 4, timeoutMs: 120_000, cacheDir, limits: { maxPixels: 40e6 } });
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
  const dir = await variant(t, (m) => {
    m.labels = ['normal', 'ALL', 'other'];
  });
  await t.rejects(
    Classifier.open({ modelDir: dir, devices: ['CPU'], maxQueue: 4, timeoutMs: 1000, cacheDir, limits: { maxPixels: 40e6 } }),
    { message: 'model output predictions has 2 values, manifest lists 3 labels' },
  );
  await t.rejects(
    Classifier.open({ modelDir: path.join(dir, 'missing'), devices: ['CPU'], maxQueue: 4, timeoutMs: 1000, limits: { maxPixels: 40e6 } }),
    { code: 'MODEL_MANIFEST_INVALID', message: /cannot read .*missing\/manifest\.json/ },
  );
});

t.test('the stick gets the FP16 IR, also behind MULTI; every other device FP32', async (t) => {
  t.equal(wantsFp16('MYRIAD'), true);
  t.equal(wantsFp16('MYRIAD.1.2-ma2480'), true);
  t.equal(wantsFp16('MULTI:MYRIAD.1,MYRIAD.2'), true);
  t.equal(wantsFp16('CPU'), false);
  t.equal(wantsFp16('GPU'), false);
});

t.test('close drains and is idempotent; afterwards the classifier is not ready', async (t) => {
  const own = await openCpuClassifier({ cacheDir });
  const pending = own.classify(fixture('field').bytes);
  const closing = own.close();
  t.equal(own.ready, false);
  t.ok((await pending).label, 'the image started before close() is still classified');
  await closing;
  await own.close();
  await t.rejects(own.classify(fixture('field').bytes), { code: 'POOL_CLOSED', message: /closing/ });
});

t.test('a mocked stick that vanishes mid-inference: the model fails over to the real CPU, /health says why meanwhile', async (t) => {
  const runtime = Runtime.open();
  const model = await loadManifest(MODEL_DIR);
  const { mean, scale } = inceptionScale(model.manifest.preprocessing.range);
  let lose!: (reason: string) => void;
  let accepting = true;
  let drained!: () => void;
  // Only the stick is mocked (none can be plugged in here); the CPU pool it falls back to is real.
  const stick = mockedStick({
    accepting: () => accepting,
    deviceLost: new Promise<string>((resolve) => (lose = resolve)),
    async run() {
      accepting = false;
      lose('MYRIAD failed 3 inferences in a row, last: X_LINK_ERROR');
      throw new OpenVinoError(-1, 'ov_infer_request_wait', 'Failed to read output from FIFO: X_LINK_ERROR');
    },
    // The lost stick's in-flight requests drain before the CPU takes over: the test decides when.
    close: () => new Promise<void>((resolve) => (drained = resolve)),
  });
  const reopened: string[][] = [];
  const failing = new Classifier({
    model,
    runtime,
    pool: stick,
    maxPixels: 40e6,
    failover: {
      devices: ['MYRIAD', 'CPU'],
      reopen: (devices) => {
        reopened.push(devices);
        return InferencePool.create(runtime, {
          modelPathFor: () => model.irPath('fp32'),
          devices,
          numRequests: 1,
          maxQueue: 4,
          timeoutMs: 120_000,
          cacheDir,
          inputConversion: { elementType: 'u8', layout: 'NHWC', mean, scale },
        });
      },
    },
  });
  t.teardown(() => failing.close());
  const metrics = new HttpMetrics(failing);
  const { bytes } = fixture('all1');
  await t.rejects(failing.classify(bytes), { code: 'OPENVINO_ERROR', message: /X_LINK_ERROR/ });
  t.equal(failing.ready, false);
  t.match(failing.notReadyReason, /MYRIAD was lost \(.*X_LINK_ERROR\); recompiling on the next device/);
  drained();
  // Poll: recompiling Inception on the CPU takes a moment (no timing is asserted).
  while (!failing.ready) await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(reopened, [['CPU']], 'recompiled on the devices after the lost one');
  t.equal(failing.device, 'CPU');
  t.match(failing.runtimeReport().failovers, [{ device: 'MYRIAD', reason: /X_LINK_ERROR/, to: 'CPU' }]);
  const deviceInfo = await metrics.registry.getSingleMetricAsString('leukoserve_device_info');
  t.match(deviceInfo, /leukoserve_device_info\{device="CPU"\} 1/, 'the device metric follows the failover');
  t.notMatch(deviceInfo, /MYRIAD/);
  const after = await failing.classify(bytes);
  const reference = await classifier.classify(bytes);
  t.same(after.scores, reference.scores, 'the CPU answers as the CPU classifier does');
});
