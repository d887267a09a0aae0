import path from 'node:path';
import t, { type Test } from 'tap';
import { Runtime } from '../../src/inference/index.js';
import type { Classifier } from '../../src/service/index.js';
import { openCpuClassifier } from '../support/cpu-classifier.js';
import { fixture, FIXTURES, MODEL_DIR, type FixtureName } from '../support/fixtures.js';
import { modelVariant, type ManifestEdit } from '../support/model-variant.js';

// CPU_PRECISION=int8 and auto on the default model, real inference on this machine's CPU, checked
// against the agreement the manifest records (read from it, never written here).
const cacheDir = t.testdir();
const f32 = await openCpuClassifier({ cacheDir, cpuPrecision: 'f32' });
t.teardown(() => f32.close());
const { agreement } = f32.model.manifest;
const capabilities = (() => {
  const runtime = Runtime.open();
  try {
    return runtime.deviceProperty('CPU', 'OPTIMIZATION_CAPABILITIES').split(/\s+/);
  } finally {
    runtime.dispose();
  }
})();

/** Every fixture image through `other` and f32: the largest |delta score| and whether every label is the same. */
async function against(other: Classifier): Promise<{ maxDelta: number; labelsEqual: boolean }> {
  let maxDelta = 0;
  let labelsEqual = true;
  for (const name of Object.keys(FIXTURES) as FixtureName[]) {
    const { bytes } = fixture(name);
    const [a, b] = await Promise.all([f32.classify(bytes), other.classify(bytes)]);
    for (const label of Object.keys(a.scores)) maxDelta = Math.max(maxDelta, Math.abs(a.scores[label]! - b.scores[label]!));
    labelsEqual &&= a.label === b.label;
  }
  return { maxDelta, labelsEqual };
}

async function open(t: Test, precision: 'int8' | 'auto', edit?: ManifestEdit, bounds = {}): Promise<Classifier> {
  const dir = edit ? await modelVariant(t, edit) : MODEL_DIR;
  const classifier = await openCpuClassifier({ cacheDir, cpuPrecision: precision, ...bounds }, dir);
  t.teardown(() => classifier.close());
  return classifier;
}

const measured = (precision: 'bf16' | 'int8') => {
  const record = agreement?.precisions[precision];
  return record?.measured ? record : null;
};
const int8 = measured('int8');
const bf16 = measured('bf16');

t.test('the default model records INT8 agreement measured on the fixture images', async (t) => {
  t.equal(f32.model.manifest.ir.int8, 'model-int8.xml');
  t.equal(agreement?.images.folder, 'test/fixtures/images');
  t.ok(int8, 'int8 measured');
});

t.test('CPU_PRECISION=int8: the INT8 IR on the CPU, scores within the recorded agreement of f32', { skip: int8 ? false : 'no INT8 agreement recorded' }, async (t) => {
  const classifier = await open(t, 'int8');
  t.match(classifier.summary, { precision: 'int8', ir: 'model-int8.xml' });
  t.match(classifier.inferenceReport().compiled.precision, { requested: 'f32', actual: 'f32', served: 'int8', ir: 'model-int8.xml', reason: 'CPU_PRECISION=int8' });
  const { maxDelta, labelsEqual } = await against(classifier);
  t.ok(maxDelta > 0, 'INT8 really computes something else than f32');
  // The fixture images as they are belong to the measured set; the service's decoders (libvips) may differ
  // from TensorFlow's by a grey level here and there, hence a margin of a tenth of the recorded figure.
  t.ok(maxDelta <= int8!.max_abs_score_delta * 1.1, `max |delta score| ${maxDelta} <= recorded ${int8!.max_abs_score_delta} (+10 %)`);
  if (int8!.label_agreement === 1) t.ok(labelsEqual, 'every label as f32');
});

t.test('CPU_PRECISION=auto on the default model: the fastest precision whose recorded agreement meets the default bounds', async (t) => {
  const classifier = await open(t, 'auto');
  const meets = (r: ReturnType<typeof measured>) => r !== null && r.label_agreement >= 1 && r.max_abs_score_delta <= 0.01;
  const expected = meets(int8) && capabilities.includes('INT8') ? int8! : meets(bf16) && capabilities.includes('BF16') ? bf16! : null;
  const served = classifier.summary.precision;
  t.equal(served, expected === null ? 'f32' : expected === int8 ? 'int8' : 'bf16');
  t.match(classifier.inferenceReport().compiled.precision.reason, /^auto: /);
  const { maxDelta, labelsEqual } = await against(classifier);
  t.ok(maxDelta <= (expected?.max_abs_score_delta ?? 0) * 1.1 + 1e-6, `max |delta score| ${maxDelta} within the recorded agreement`);
  t.ok(labelsEqual);
});

t.test('auto falls back to f32 when no recorded agreement meets the bound (edited manifest copy)', async (t) => {
  const classifier = await open(t, 'auto', (m) => {
    const precisions = (m.agreement as { precisions: Record<string, { measured: boolean; max_abs_score_delta?: number }> }).precisions;
    for (const record of Object.values(precisions)) if (record.measured) record.max_abs_score_delta = 0.5;
  });
  t.match(classifier.summary, { precision: 'f32', ir: 'model-fp32.xml' });
  t.match(classifier.inferenceReport().compiled.precision.reason, /not int8: max \|delta score\| 0\.5 > 0\.01/);
  t.same((await against(classifier)).maxDelta, 0, 'the same scores as f32');
});

t.test('auto takes INT8 when the bounds are loosened to what INT8 measured (AUTO_MAX_SCORE_DELTA)', { skip: int8 && capabilities.includes('INT8') ? false : 'no INT8' }, async (t) => {
  const classifier = await open(t, 'auto', undefined, { autoMaxScoreDelta: int8!.max_abs_score_delta });
  t.match(classifier.summary, { precision: 'int8', ir: 'model-int8.xml' });
});

t.test('a manifest without an INT8 IR: CPU_PRECISION=int8 refuses to start, naming what is missing; auto serves f32', async (t) => {
  const dir = await modelVariant(t, (m) => {
    delete (m.ir as Record<string, string>).int8;
  });
  await t.rejects(openCpuClassifier({ cacheDir, cpuPrecision: 'int8' }, dir), { code: 'INVALID_SETTINGS', message: /model-int8\.xml.*manifest ir\.int8.*leukotool quantize/ });
  const gone = await modelVariant(t, (m) => {
    (m.ir as Record<string, string>).int8 = 'missing-int8.xml';
  });
  await t.rejects(openCpuClassifier({ cacheDir, cpuPrecision: 'int8' }, gone), { message: new RegExp(`INT8 IR ${path.join(gone, 'missing-int8.xml')}, which does not exist`) });
  const auto = await openCpuClassifier({ cacheDir, cpuPrecision: 'auto', autoMaxScoreDelta: 1, autoMinLabelAgreement: 0 }, dir);
  t.teardown(() => auto.close());
  t.not(auto.summary.precision, 'int8');
});
