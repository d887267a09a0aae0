import t from 'tap';
import type { LoadPoint } from '../../bench/load.js';
import type { BenchResult, ServerResult } from '../../bench/result.js';
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
const ceilingRun = { precision: 'f32', throughputFps: 30, latencyMedianMs: 40, latencyAverageMs: 41, inferRequests: 2, iterations: 300 };

type Measured = Omit<BenchResult, 'targets' | 'profiles'>;

function run(leuko: Partial<ServerResult>, beside: Measured['ceiling']['beside'] = { throughput: {}, latency: [] }): Measured {
  const server = (points: ServerResult['points'], top: ServerResult['top'] = {}): ServerResult => ({
    name: 'x',
    readyMs: { cold: 3000 },
    top,
    points,
    memory: { idle: memory(100), end: memory(120) },
  });
  return {
    date: '2026-11-28T00:00:00Z',
    mode: 'full',
    settings: { seconds: 10, warmupSeconds: 2, ceilingSeconds: 15, concurrencies: [1, 4], serverLogLevel: 'warn', model: 'm' },
    machine: { cpuModel: 'cpu', cores: 2, memoryBytes: 1, os: 'linux', node: 'v20', openvino: '2026', leukoserveSha: 'abc', dirty: false },
    uploads: [
      { id: 'jpeg-299', description: '299x299 JPEG', bytes: 1 },
      { id: 'jpeg-2592', description: '2592x1944 JPEG', bytes: 1 },
    ],
    ceiling: {
      throughput: { hint: 'throughput', ...ceilingRun },
      latency: { hint: 'latency', ...ceilingRun },
      throughputDefaultPrecision: { hint: 'throughput', ...ceilingRun, precision: 'bfloat16' },
      throughputAfter: { hint: 'throughput', ...ceilingRun, throughputFps: 28 },
      beside,
    },
    leukoserve: { ...server({}), ...leuko },
    baseline: server(
      { 'jpeg-299': [point(4, 10)], 'jpeg-2592': [point(4, 5)] },
      { 'jpeg-299': { label: 'ALL', score: 0.89 }, 'jpeg-2592': { label: 'ALL', score: 0.51 } },
    ),
  };
}

t.test('each target is judged on this run, pass and fail alike', async (t) => {
  const targets = judgeTargets(
    run({
      readyMs: { cold: 3000, warm: 1500 },
      // Saturation is the best point over all concurrencies: 29 req/s at c=4 is 0.97x the ceiling's 30 FPS.
      points: { 'jpeg-299': [point(1, 20, 60), point(4, 29)], 'jpeg-2592': [point(1, 10), point(4, 24)] },
      latencyHint: point(1, 22, 44),
      memory: { idle: memory(100), end: memory(130), soak: { requests: 10_000, after100: memory(110), afterAll: memory(120) } },
      top: { 'jpeg-299': { label: 'ALL', score: 0.9 }, 'jpeg-2592': { label: 'normal', score: 0.6 } },
    }),
  );
  const verdict = Object.fromEntries(targets.map((x) => [x.name, x.pass]));
  t.same(verdict, {
    'saturation throughput, 299x299 JPEG': true,
    'saturation throughput, 2592x1944 JPEG': false, // 24 / 30 = 0.8 < 0.85
    'latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY': true, // 44 <= 40 + 5
    'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)': null,
    'throughput vs Flask baseline at c=4, 299x299 JPEG': true, // 2.9x
    'throughput vs Flask baseline at c=4, 2592x1944 JPEG': true, // 4.8x
    'RSS after 10000 requests vs after 100': false, // +9.1 %
    'same top label as the Flask baseline': false, // the 2592 JPEG differs
    'quiet machine: benchmark_app FPS before vs after the HTTP runs': true, // 30 then 28: 6.7 % apart
    'ready with a warm cache': true,
  });
  t.equal(targets.find((x) => x.name.startsWith('RSS'))?.measured, '+9.1 %');
});

t.test('a baseline that answered nothing gives no ratio, not an infinite pass', async (t) => {
  const measured = run({ points: { 'jpeg-299': [point(4, 29)] } });
  const silent = { ...measured, baseline: { ...measured.baseline, points: { 'jpeg-299': [point(4, 0)] } } };
  const target = judgeTargets(silent).find((x) => x.name === 'throughput vs Flask baseline at c=4, 299x299 JPEG');
  t.equal(target?.pass, null);
  t.equal(target?.measured, 'not measured: the baseline answered nothing in the window');
});

t.test('a target whose numbers were not taken is not measured, not passed', async (t) => {
  const targets = judgeTargets(run({ points: { 'jpeg-299': [point(4, 29)] } }));
  const notMeasured = targets.filter((x) => x.pass === null).map((x) => x.name);
  t.same(notMeasured, [
    'saturation throughput, 2592x1944 JPEG',
    'latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY',
    'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)',
    'throughput vs Flask baseline at c=4, 2592x1944 JPEG',
    'RSS after - requests vs after 100',
    'same top label as the Flask baseline',
    'ready with a warm cache',
  ]);
});

t.test('ratios use the references measured beside their series when there are some', async (t) => {
  const leuko = { points: { 'jpeg-299': [point(4, 29)], 'jpeg-2592': [point(4, 24)] }, latencyHint: point(1, 20, 48) };
  const byName = (targets: ReturnType<typeof judgeTargets>) => Object.fromEntries(targets.map((x) => [x.name, x]));
  const alone = byName(judgeTargets(run(leuko)));
  t.equal(alone['saturation throughput, 2592x1944 JPEG']?.pass, false, '24 / 30 (the first ceiling) = 0.8x');
  t.equal(alone['latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY']?.pass, false, '48 > 40 + 5');
  const beside = byName(
    judgeTargets(
      run(leuko, {
        throughput: { 'jpeg-2592': { hint: 'throughput', ...ceilingRun, throughputFps: 27 } },
        latency: [
          { hint: 'latency', ...ceilingRun, latencyMedianMs: 44 },
          { hint: 'latency', ...ceilingRun, latencyMedianMs: 46 },
        ],
      }),
    ),
  );
  t.equal(beside['saturation throughput, 2592x1944 JPEG']?.pass, true, '24 / 27 (measured right before) = 0.89x');
  t.match(beside['saturation throughput, 2592x1944 JPEG']?.wanted, /27\.0 FPS/);
  t.equal(beside['saturation throughput, 299x299 JPEG']?.pass, true, 'no reference beside: the first ceiling');
  t.equal(beside['latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY']?.pass, true, '48 <= mean(44, 46) + 5');
  t.match(beside['latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY']?.wanted, /45\.0 \+ 5 = 50\.0 ms/);
});
