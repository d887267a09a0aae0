import type { LoadPoint } from './load.js';
import type { BenchResult, ServerResult, TargetResult, UploadId } from './result.js';

type Measured = Omit<BenchResult, 'targets' | 'profiles'>;

/** The targets, each judged on this run's numbers. */
export function judgeTargets(run: Measured): TargetResult[] {
  const { ceiling, leukoserve, baseline } = run;
  const saturation = (id: UploadId, fraction: number, description: string): TargetResult => {
    const best = saturated(leukoserve, id);
    const ceilingFps = referenceFps(run, id);
    return {
      name: `saturation throughput, ${description}`,
      measured: best ? `${fixed(best.requestsPerSecond)} req/s = ${fixed(best.requestsPerSecond / ceilingFps, 2)}x (c=${best.connections})` : 'not measured',
      wanted: `>= ${fraction}x benchmark_app (${fixed(ceilingFps)} FPS)`,
      pass: best ? best.requestsPerSecond >= fraction * ceilingFps : null,
    };
  };
  const single = pointAt(leukoserve, 'jpeg-299', 1);
  const latencyHint = leukoserve.latencyHint;
  const latencyCeiling = referenceLatencyMs(run);
  const soak = leukoserve.memory.soak;
  const growth = soak ? soak.afterAll.rssBytes / soak.after100.rssBytes - 1 : null;
  const warm = leukoserve.readyMs.warm;
  return [
    saturation('jpeg-299', 0.95, '299x299 JPEG'),
    saturation('jpeg-2592', 0.85, '2592x1944 JPEG'),
    {
      // Like for like: benchmark_app's latency figure is compiled with the LATENCY hint too.
      name: 'latency at c=1, 299x299 JPEG (p50), PERFORMANCE_HINT=LATENCY',
      measured: latencyHint ? `${fixed(latencyHint.latencyMs.p50)} ms` : 'not measured',
      wanted: `<= benchmark_app latency hint median + 5 ms (${fixed(latencyCeiling)} + 5 = ${fixed(latencyCeiling + 5)} ms)`,
      pass: latencyHint ? latencyHint.latencyMs.p50 <= latencyCeiling + 5 : null,
    },
    {
      name: 'latency at c=1, 299x299 JPEG (p50), default THROUGHPUT hint (information)',
      measured: single ? `${fixed(single.latencyMs.p50)} ms` : 'not measured',
      wanted: 'information: a throughput-tuned server gives one request fewer cores',
      pass: null,
    },
    ...run.uploads.map(({ id, description }): TargetResult => {
      const ours = pointAt(leukoserve, id, 4);
      const theirs = pointAt(baseline, id, 4);
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
      name: `RSS after ${soak?.requests ?? '-'} requests vs after 100`,
      measured: growth === null ? 'not measured' : `${growth >= 0 ? '+' : ''}${fixed(growth * 100, 1)} %`,
      wanted: 'within 5 %',
      pass: growth === null ? null : Math.abs(growth) <= 0.05,
    },
    sameLabels(run),
    {
      name: 'quiet machine: benchmark_app FPS before vs after the HTTP runs',
      measured: `${fixed(ceiling.throughput.throughputFps)} / ${fixed(ceiling.throughputAfter.throughputFps)} FPS (${fixed(ceilingDrift(ceiling) * 100, 1)} % apart)`,
      wanted: 'within 10 % (otherwise every ratio above is unreliable)',
      pass: ceilingDrift(ceiling) <= 0.1,
    },
    {
      name: 'ready with a warm cache',
      measured: warm === undefined ? 'not measured' : `${fixed(warm)} ms`,
      wanted: '<= 2000 ms',
      pass: warm === undefined ? null : warm <= 2000,
    },
  ];
}

/** leukoserve and the baseline must agree on the top label of every upload, or they are not computing the same thing. */
function sameLabels(run: Measured): TargetResult {
  const pairs = run.uploads.map(({ id }) => [run.leukoserve.top[id], run.baseline.top[id]] as const);
  const compared = pairs.filter(([ours, theirs]) => ours && theirs);
  const agreeing = compared.filter(([ours, theirs]) => ours?.label === theirs?.label).length;
  return {
    name: 'same top label as the Flask baseline',
    measured: compared.length === 0 ? 'not measured' : `${agreeing} of ${compared.length} uploads`,
    wanted: 'all uploads',
    pass: compared.length === 0 ? null : agreeing === pairs.length,
  };
}

/** benchmark_app's throughput measured right before this upload's series, else the run's first. */
export function referenceFps(run: Measured, id: UploadId): number {
  return (run.ceiling.beside.throughput[id] ?? run.ceiling.throughput).throughputFps;
}

/** The mean of benchmark_app's latency-hint medians around the single-client point, else the run's first. */
export function referenceLatencyMs(run: Measured): number {
  const around = run.ceiling.beside.latency;
  const runs = around.length > 0 ? around : [run.ceiling.latency];
  return runs.reduce((sum, c) => sum + c.latencyMedianMs, 0) / runs.length;
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
