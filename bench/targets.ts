import type { ServedPrecision } from '../src/inference/index.js';
import type { LoadPoint } from './load.js';
import type { BenchResult, PrecisionRun, ServerResult, TargetResult, UploadId } from './result.js';

type Measured = Omit<BenchResult, 'targets' | 'profiles'>;

/** The share of benchmark_app's throughput at the same precision leukoserve must reach on the 299x299 JPEG. */
export const SATURATION_TARGETS: Readonly<Record<ServedPrecision, number>> = { f32: 0.95, bf16: 0.9, int8: 0.9 };
/** The 2592x1944 JPEG's share at f32: decoding 5 MP costs what it costs. */
const LARGE_JPEG_TARGET = 0.85;
/** Where leukoserve must beat the threaded Python peer: every concurrency from this one up. */
export const PEER_FROM_CONNECTIONS = 4;

/** The targets, each judged on this run's numbers. */
export function judgeTargets(run: Measured): TargetResult[] {
  const [first] = run.precisions;
  const withSoak = run.precisions.find((s) => s.leukoserve.memory.soak)?.leukoserve.memory.soak;
  // A soak no longer than its warm-up (--quick) measures no growth.
  const growth = withSoak && withSoak.requests > withSoak.warmUp ? withSoak.afterAll.rssBytes / withSoak.afterWarmUp.rssBytes - 1 : null;
  const warm = first?.leukoserve.readyMs.warm;
  const latencyHint = first?.leukoserve.latencyHint;
  const latencyCeiling = referenceLatencyMs(run);
  const single = first && pointAt(first.leukoserve, 'jpeg-299', 1);
  const drift = ceilingDrift(run.ceiling);
  return [
    ...run.precisions.flatMap((series) => [
      saturation(series, 'jpeg-299', '299x299 JPEG', SATURATION_TARGETS[series.precision]),
      ...(series.precision === 'f32' ? [saturation(series, 'jpeg-2592', '2592x1944 JPEG', LARGE_JPEG_TARGET)] : []),
    ]),
    ...run.precisions.flatMap((series) => run.uploads.map(({ id, description }) => beatsPeer(series, id, description))),
    {
      // Like for like: benchmark_app's latency figure is compiled with the LATENCY hint too.
      name: `latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY, ${first?.precision ?? '-'}`,
      measured: latencyHint ? `${fixed(latencyHint.latencyMs.p50)} ms` : 'not measured',
      wanted: `<= benchmark_app latency hint median + 5 ms (${fixed(latencyCeiling)} + 5 = ${fixed(latencyCeiling + 5)} ms)`,
      pass: latencyHint && Number.isFinite(latencyCeiling) ? latencyHint.latencyMs.p50 <= latencyCeiling + 5 : null,
    },
    {
      name: 'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)',
      measured: single ? `${fixed(single.latencyMs.p50)} ms` : 'not measured',
      wanted: 'information: a throughput-tuned server gives one request fewer cores',
      pass: null,
    },
    ...run.uploads.map(({ id, description }): TargetResult => {
      const ours = first && pointAt(first.leukoserve, id, 4);
      const theirs = pointAt(run.baseline, id, 4);
      // A baseline that answered nothing in the window gives no ratio, only an infinite one.
      const ratio = ours && theirs && theirs.ok > 0 ? ours.requestsPerSecond / theirs.requestsPerSecond : null;
      return {
        name: `throughput vs Flask baseline at c=4, ${description}`,
        measured: ratio !== null ? `${fixed(ratio, 2)}x` : theirs ? 'not measured: the baseline answered nothing in the window' : 'not measured',
        wanted: '>= 1.5x',
        pass: ratio === null ? null : ratio >= 1.5,
      };
    }),
    {
      name: `RSS after ${withSoak?.requests ?? '-'} requests vs after the ${withSoak?.warmUp ?? '-'}-request warm-up`,
      measured: growth === null ? 'not measured' : `${growth >= 0 ? '+' : ''}${fixed(growth * 100, 1)} %`,
      wanted: 'within 5 %',
      pass: growth === null ? null : Math.abs(growth) <= 0.05,
    },
    sameLabels(run, 'Flask baseline', first?.leukoserve, run.baseline),
    ...run.precisions.map((series) => sameLabels(run, `threaded Python peer at ${series.precision}`, series.leukoserve, series.peer)),
    {
      name: 'quiet machine: benchmark_app FPS before vs after the HTTP runs',
      measured: `${fixed(run.ceiling.throughput.throughputFps)} / ${fixed(run.ceiling.throughputAfter.throughputFps)} FPS (${fixed(drift * 100, 1)} % apart)`,
      wanted: 'within 10 % (otherwise every ratio above is unreliable)',
      pass: drift <= 0.1,
    },
    {
      name: 'ready with a warm cache',
      measured: warm === undefined ? 'not measured' : `${fixed(warm)} ms`,
      wanted: '<= 2000 ms',
      pass: warm === undefined ? null : warm <= 2000,
    },
  ];
}

function saturation(series: PrecisionRun, id: UploadId, description: string, fraction: number): TargetResult {
  const best = saturated(series.leukoserve, id);
  const ceilingFps = series.ceiling[id]?.throughputFps;
  const measured = best && ceilingFps !== undefined;
  return {
    name: `saturation throughput at ${series.precision}, ${description}`,
    measured: measured ? `${fixed(best.requestsPerSecond)} req/s = ${fixed(best.requestsPerSecond / ceilingFps, 2)}x (c=${best.connections})` : 'not measured',
    wanted: `>= ${fraction}x benchmark_app at ${series.precision} (${ceilingFps === undefined ? '-' : fixed(ceilingFps)} FPS)`,
    pass: measured ? best.requestsPerSecond >= fraction * ceilingFps : null,
  };
}

/** leukoserve's throughput over the threaded peer's at each concurrency from PEER_FROM_CONNECTIONS up where the peer answered. */
export function peerRatios(series: PrecisionRun, id: UploadId): { connections: number; ratio: number }[] {
  return (series.leukoserve.points[id] ?? [])
    .filter((p) => p.connections >= PEER_FROM_CONNECTIONS)
    .flatMap((ours) => {
      const theirs = pointAt(series.peer, id, ours.connections);
      return theirs && theirs.ok > 0 ? [{ connections: ours.connections, ratio: ours.requestsPerSecond / theirs.requestsPerSecond }] : [];
    });
}

/** leukoserve against the threaded peer: the worst ratio from PEER_FROM_CONNECTIONS up decides. */
function beatsPeer(series: PrecisionRun, id: UploadId, description: string): TargetResult {
  const ratios = peerRatios(series, id);
  const worst = ratios.reduce<(typeof ratios)[number] | undefined>((w, r) => (w && w.ratio <= r.ratio ? w : r), undefined);
  return {
    name: `throughput vs threaded Python peer at ${series.precision}, c >= ${PEER_FROM_CONNECTIONS}, ${description}`,
    measured: worst ? `${fixed(worst.ratio, 2)}x at worst (c=${worst.connections})` : 'not measured',
    wanted: '> 1x at every concurrency',
    pass: worst ? worst.ratio > 1 : null,
  };
}

/** Two servers at the same precision must agree on the top label of every upload, or they are not computing the same thing. */
function sameLabels(run: Measured, name: string, ours: ServerResult | undefined, theirs: ServerResult): TargetResult {
  const pairs = run.uploads.map(({ id }) => [ours?.top[id], theirs.top[id]] as const);
  const compared = pairs.filter(([a, b]) => a && b);
  const agreeing = compared.filter(([a, b]) => a?.label === b?.label).length;
  return {
    name: `same top label as the ${name}`,
    measured: compared.length === 0 ? 'not measured' : `${agreeing} of ${compared.length} uploads`,
    wanted: 'all uploads',
    pass: compared.length === 0 ? null : agreeing === pairs.length,
  };
}

/** The mean of benchmark_app's latency-hint medians around the single-client point (NaN without any). */
export function referenceLatencyMs(run: Measured): number {
  const around = run.ceiling.latency;
  return around.reduce((sum, c) => sum + c.latencyMedianMs, 0) / around.length;
}

/** How far benchmark_app's throughput moved between the start and the end of the run, as a fraction. */
export function ceilingDrift(ceiling: BenchResult['ceiling']): number {
  return Math.abs(ceiling.throughputAfter.throughputFps / ceiling.throughput.throughputFps - 1);
}

export function pointAt(server: ServerResult, id: UploadId, connections: number): LoadPoint | undefined {
  return server.points[id]?.find((p) => p.connections === connections);
}

/** The point with the highest throughput: the server's saturation throughput. */
export function saturated(server: ServerResult, id: UploadId): LoadPoint | undefined {
  return server.points[id]?.reduce<LoadPoint | undefined>((best, p) => (best && best.requestsPerSecond >= p.requestsPerSecond ? best : p), undefined);
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}
