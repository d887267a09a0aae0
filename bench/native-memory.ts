/**
 * Native memory check: runs many inferences through the pool and samples RSS after the first
 * 100, half-way and at the end. A leak of tensors, ports, strings or callbacks per inference
 * shows as steady growth. The first few thousand inferences carry a one-time warm-up of 3-9 MiB
 * (V8 optimising the hot path, allocator arenas; measured flat from 8,000 to 80,000), so the
 * ratio end / first-100 is printed but the judged one is end / half-way: exits 1 when RSS grows
 * by more than `tolerance` (2 %) over the second half.
 *
 *   npx tsx --expose-gc bench/native-memory.ts                       # 10,000 x small matmul model
 *   npx tsx --expose-gc bench/native-memory.ts --model default --count 2000   # Inception V3 (models/default)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INFERENCE_DEFAULTS, OpenVinoDevices, type InferResult, type InputConversion } from '../src/inference/index.js';
import { loadManifest } from '../src/model/manifest.js';
import { repoRoot, testModels } from '../test/support/models/models.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    count: { type: 'string', default: '10000' },
    first: { type: 'string', default: '100' },
    tolerance: { type: 'string', default: '0.02' },
  },
});
const count = Number(values.count);
const first = Number(values.first);
const half = Math.round(count / 2);
const tolerance = Number(values.tolerance);

interface Workload {
  label: string;
  modelPath: string;
  input: Uint8Array | Float32Array;
  inputConversion?: InputConversion;
}

async function workload(): Promise<Workload> {
  if (values.model === 'small') {
    return { label: 'matmul 1x8 @ 8x3 (test model)', modelPath: testModels().xml('matmul'), input: new Float32Array(8).fill(0.5) };
  }
  const { manifest, irPath } = await loadManifest(path.join(repoRoot, 'models', values.model ?? 'default'));
  const [low, high] = manifest.preprocessing.range;
  const size = manifest.input.shape.reduce((a, b) => a * b, 1);
  return {
    label: `${manifest.name} FP32, u8 input converted by OpenVINO`,
    modelPath: irPath('fp32'),
    input: Uint8Array.from({ length: size }, (_, i) => (i * 31) % 256),
    inputConversion: { mean: (-low * 255) / (high - low), scale: 255 / (high - low), modelLayout: 'NHWC' },
  };
}

function sample() {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const work = await workload();
const settings = { ...INFERENCE_DEFAULTS, devices: ['CPU'], timeoutMs: 60_000 };
const devices = OpenVinoDevices.open({ model: { irs: { fp32: work.modelPath, fp16: work.modelPath }, agreement: {} }, inputConversion: work.inputConversion, settings });
const pool = await devices.open(settings.devices);

/** Keeps 2 x numRequests jobs in flight until `until` inferences are done. */
let done = 0;
async function runUntil(until: number): Promise<void> {
  const worker = async () => {
    while (done < until) {
      done++;
      const result: InferResult = await pool.run(work.input);
      if (result.output.length === 0) throw new Error('empty output');
    }
  };
  await Promise.all(Array.from({ length: pool.numRequests * 2 }, worker));
}

const started = performance.now();
await runUntil(first);
const afterFirst = sample();
await runUntil(half);
const afterHalf = sample();
await runUntil(count);
const last = sample();
const seconds = (performance.now() - started) / 1000;
await pool.close();
devices.dispose();

const overall = last.rss / afterFirst.rss;
const secondHalf = last.rss / afterHalf.rss;
console.log(`model: ${work.label}; device ${pool.device}, ${pool.numRequests} requests; gc ${'gc' in globalThis ? 'forced before samples' : 'not exposed (run with --expose-gc)'}`);
for (const [n, m] of [[first, afterFirst], [half, afterHalf], [count, last]] as const) {
  console.log(`after ${n}: rss ${mib(m.rss)}, heap ${mib(m.heapUsed)}, external ${mib(m.external)}`);
}
console.log(`rss ratio ${count}/${first}: ${overall.toFixed(4)}; ${count}/${half}: ${secondHalf.toFixed(4)}`);
console.log(`(${count} inferences in ${seconds.toFixed(1)} s, ${(count / seconds).toFixed(0)}/s); stats ${JSON.stringify(pool.stats())}`);
const growth = `${mib(last.rss - afterHalf.rss)} over the second half (${((secondHalf - 1) * 100).toFixed(2)} %)`;
if (secondHalf > 1 + tolerance) {
  console.log(`FAIL: RSS grew ${growth}, more than ${tolerance * 100} %`);
  process.exitCode = 1;
} else {
  console.log(`PASS: RSS grew ${growth}; change from ${first} to ${half} (warm-up): ${mib(afterHalf.rss - afterFirst.rss)}`);
}
