import t from 'tap';
import type { CeilingRun } from '../../bench/ceiling.js';
import type { LoadPoint } from '../../bench/load.js';
import { renderMarkdown } from '../../bench/report.js';
import type { BenchResult, PrecisionRun, ServerResult } from '../../bench/result.js';
import { judgeTargets } from '../../bench/targets.js';

const point = (connections: number, requestsPerSecond: number, p50 = 50): LoadPoint => ({
  connections,
  seconds: 10,
  requestsPerSecond,
  latencyMs: { p50, p95: p50 * 1.2, p99: p50 * 1.5, mean: p50 },
  ok: requestsPerSecond * 10,
  non2xx: 0,
  errors: 0,
});
const memory = (rssMiB: number) => ({ rssBytes: rssMiB * 2 ** 20, peakRssBytes: rssMiB * 2 ** 20 });
const ceiling = (throughputFps: number, latencyMedianMs = 40): CeilingRun => ({
  hint: 'throughput',
  precision: 'f32',
  throughputFps,
  latencyMedianMs,
  latencyAverageMs: latencyMedianMs + 1,
  inferRequests: 2,
  iterations: 300,
});
const server = (points: ServerResult['points'], extra: Partial<ServerResult> = {}): ServerResult => ({
  name: 'x',
  readyMs: { cold: 3000 },
  top: { 'jpeg-299': { label: 'ALL', score: 0.9 }, 'jpeg-2592': { label: 'ALL', score: 0.6 } },
  points,
  memory: { idle: memory(100), end: memory(120) },
  ...extra,
});

type Measured = Omit<BenchResult, 'targets' | 'profiles'>;

function run(precisions: PrecisionRun[], overrides: Partial<Measured> = {}): Measured {
  return {
    date: '2026-12-02T00:00:00Z',
    mode: 'full',
    settings: { seconds: 10, warmupSeconds: 2, ceilingSeconds: 15, concurrencies: [1, 4, 8], precisions: precisions.map((p) => p.precision), serverLogLevel: 'warn', model: 'm' },
    machine: { cpuModel: 'cpu', cpuFlags: ['avx512_bf16'], cores: 2, memoryBytes: 1, os: 'linux', node: 'v20', openvino: '2026', leukoserveSha: 'abc', dirty: false },
    uploads: [
      { id: 'jpeg-299', description: '299x299 JPEG', bytes: 1 },
      { id: 'jpeg-2592', description: '2592x1944 JPEG', bytes: 1 },
    ],
    ceiling: { throughput: ceiling(30), throughputAfter: ceiling(28), latency: [ceiling(25, 44), ceiling(25, 46)] },
    precisions,
    baseline: server({ 'jpeg-299': [point(4, 10)], 'jpeg-2592': [point(4, 5)] }),
    ...overrides,
  };
}

const f32: PrecisionRun = {
  precision: 'f32',
  ceiling: { 'jpeg-299': ceiling(30), 'jpeg-2592': ceiling(27) },
  leukoserve: server(
    // Saturation is the best point: 29 req/s at c=4 is 0.97x the 30 FPS measured before the series.
    { 'jpeg-299': [point(1, 20, 60), point(4, 29), point(8, 28)], 'jpeg-2592': [point(1, 10), point(4, 24)] },
    {
      readyMs: { cold: 3000, warm: 1500 },
      latencyHint: point(1, 22, 48),
    },
  ),
  peer: server({ 'jpeg-299': [point(4, 20), point(8, 29)], 'jpeg-2592': [point(4, 20)] }),
};
const bf16: PrecisionRun = {
  precision: 'bf16',
  ceiling: { 'jpeg-299': ceiling(60), 'jpeg-2592': ceiling(50) },
  leukoserve: server(
    { 'jpeg-299': [point(4, 53)], 'jpeg-2592': [point(4, 30)] },
    {
      memory: { idle: memory(100), end: memory(130), soak: { requests: 10_000, after100: memory(100), warmUp: 1000, afterWarmUp: memory(110), afterAll: memory(120) } },
      top: { 'jpeg-299': { label: 'ALL', score: 0.9 }, 'jpeg-2592': { label: 'normal', score: 0.6 } },
    },
  ),
  peer: server({ 'jpeg-299': [point(4, 40)], 'jpeg-2592': [point(4, 0)] }),
};

t.test('each target is judged on this run, each precision against its own ceiling and its own peer', async (t) => {
  const verdict = Object.fromEntries(judgeTargets(run([f32, bf16])).map((x) => [x.name, x.pass]));
  t.same(verdict, {
    'saturation throughput at f32, 299x299 JPEG': true, // 29 / 30 = 0.97 >= 0.95
    'saturation throughput at f32, 2592x1944 JPEG': true, // 24 / 27 = 0.89 >= 0.85
    'saturation throughput at bf16, 299x299 JPEG': false, // 53 / 60 = 0.88 < 0.90
    'throughput vs threaded Python peer at f32, c >= 4, 299x299 JPEG': false, // 1.45x at c=4 but 0.97x at c=8
    'throughput vs threaded Python peer at f32, c >= 4, 2592x1944 JPEG': true, // 1.2x
    'throughput vs threaded Python peer at bf16, c >= 4, 299x299 JPEG': true, // 1.325x
    'throughput vs threaded Python peer at bf16, c >= 4, 2592x1944 JPEG': null, // the peer answered nothing
    'latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY, f32': true, // 48 <= mean(44, 46) + 5
    'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)': null,
    'throughput vs Flask baseline at c=4, 299x299 JPEG': true, // 2.9x
    'throughput vs Flask baseline at c=4, 2592x1944 JPEG': true, // 4.8x
    'RSS after 10000 requests vs after the 1000-request warm-up': false, // +9.1 %, from the series that soaked
    'same top label as the Flask baseline': true,
    'same top label as the threaded Python peer at f32': true,
    'same top label as the threaded Python peer at bf16': false, // the 2592 JPEG differs
    'quiet machine: benchmark_app FPS before vs after the HTTP runs': true, // 30 then 28: 6.7 % apart
    'ready with a warm cache': true,
  });
  const byName = Object.fromEntries(judgeTargets(run([f32, bf16])).map((x) => [x.name, x]));
  t.equal(byName['throughput vs threaded Python peer at f32, c >= 4, 299x299 JPEG']?.measured, '0.97x at worst (c=8)');
  t.match(byName['saturation throughput at bf16, 299x299 JPEG']?.wanted, />= 0.9x benchmark_app at bf16 \(60\.0 FPS\)/);
  t.equal(byName['RSS after 10000 requests vs after the 1000-request warm-up']?.measured, '+9.1 %');
});

t.test('a baseline that answered nothing gives no ratio, not an infinite pass', async (t) => {
  const silent = run([f32], { baseline: server({ 'jpeg-299': [point(4, 0)] }) });
  const target = judgeTargets(silent).find((x) => x.name === 'throughput vs Flask baseline at c=4, 299x299 JPEG');
  t.equal(target?.pass, null);
  t.equal(target?.measured, 'not measured: the baseline answered nothing in the window');
});

t.test('a target whose numbers were not taken is not measured, not passed', async (t) => {
  const bare: PrecisionRun = { precision: 'int8', ceiling: {}, leukoserve: server({ 'jpeg-299': [point(4, 29)] }, { top: {} }), peer: server({}) };
  const targets = judgeTargets(run([bare], { ceiling: { throughput: ceiling(30), throughputAfter: ceiling(30), latency: [] } }));
  t.same(
    targets.filter((x) => x.pass === null).map((x) => x.name),
    [
      'saturation throughput at int8, 299x299 JPEG', // no benchmark_app run beside it
      'throughput vs threaded Python peer at int8, c >= 4, 299x299 JPEG',
      'throughput vs threaded Python peer at int8, c >= 4, 2592x1944 JPEG',
      'latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY, int8',
      'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)',
      'throughput vs Flask baseline at c=4, 2592x1944 JPEG',
      'RSS after - requests vs after the --request warm-up',
      'same top label as the Flask baseline',
      'same top label as the threaded Python peer at int8',
      'ready with a warm cache',
    ],
  );
});

t.test('the report has one row per precision, with its ratio and its recorded agreement', async (t) => {
  const measured = run([f32, bf16], {
    agreement: {
      reference: 'f32',
      images: { folder: 'f', images: 7, sha256: '0'.repeat(64), augmentations: null, samples: 7 },
      cpu: { model: 'cpu', flags: [], openvino: '2026', capabilities: [] },
      precisions: { bf16: { measured: true, ir: 'fp32', inference_precision: 'bf16', label_agreement: 1, max_abs_score_delta: 0.0016, mean_abs_score_delta: 0.0005 } },
    },
  });
  const markdown = renderMarkdown({ ...measured, targets: judgeTargets(measured) });
  t.match(markdown, /\| f32 \| 29\.0 \/ 30\.0 = \*\*0\.97x\*\* \| 24\.0 \/ 27\.0 = \*\*0\.89x\*\* \| 0\.97–1\.45x \| 1\.20–1\.20x \| reference \|/);
  t.match(markdown, /\| bf16 \| 53\.0 \/ 60\.0 = \*\*0\.88x\*\* \| 30\.0 \/ 50\.0 = \*\*0\.60x\*\* \| 1\.32–1\.32x \| - \| labels 100 %, max \\\|Δ\\\| 0\.0016, mean 0\.0005 \|/);
  t.match(markdown, /cpu \(flags: avx512_bf16\)/);
});
