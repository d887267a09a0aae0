import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CeilingRun } from './ceiling.js';
import type { MemorySample } from './proc-status.js';
import type { ProfileSummary } from './profile.js';
import type { BenchResult, PrecisionRun, ServerResult } from './result.js';
import { ceilingDrift, fixed, PEER_FROM_CONNECTIONS, peerRatios, pointAt, referenceLatencyMs, saturated } from './targets.js';

const MiB = 1024 * 1024;
const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${fixed(bytes / MiB)} MiB`);
const ms = (value: number | undefined) => (value === undefined ? '-' : `${fixed(value)} ms`);
const percentiles = (p: { latencyMs: { p50: number; p95: number; p99: number } } | undefined) =>
  p ? `${fixed(p.latencyMs.p50)} / ${fixed(p.latencyMs.p95)} / ${fixed(p.latencyMs.p99)}` : '-';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** What each precision computes, as benchmark_app is told it. */
const COMPUTES: Readonly<Record<PrecisionRun['precision'], string>> = {
  f32: 'FP32 IR, -infer_precision f32',
  bf16: 'FP32 IR, -infer_precision bf16',
  int8: 'INT8 IR (NNCF), -infer_precision f32',
};

function agreementOf(run: BenchResult, precision: PrecisionRun['precision']): string {
  if (precision === 'f32') return 'reference';
  const recorded = run.agreement?.precisions[precision];
  if (!recorded) return 'not recorded';
  if (!recorded.measured) return `not measured: ${recorded.reason}`;
  return `labels ${fixed(recorded.label_agreement * 100, 0)} %, max \\|Δ\\| ${recorded.max_abs_score_delta.toFixed(4)}, mean ${recorded.mean_abs_score_delta.toFixed(4)}`;
}

/** One row per precision: the README's performance table. */
function summaryTable(run: BenchResult): string {
  const rows = run.precisions.map((series) => {
    const cells = run.uploads.map(({ id }) => {
      const best = saturated(series.leukoserve, id);
      const fps = series.ceiling[id]?.throughputFps;
      return best && fps ? `${fixed(best.requestsPerSecond)} / ${fixed(fps)} = **${fixed(best.requestsPerSecond / fps, 2)}x**` : '-';
    });
    const peer = run.uploads.map(({ id }) => {
      const ratios = peerRatios(series, id).map((r) => r.ratio);
      return ratios.length > 0 ? `${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)}x` : '-';
    });
    return [series.precision, ...cells, ...peer, agreementOf(run, series.precision)];
  });
  return table(
    [
      'precision',
      ...run.uploads.map((u) => `${u.description}: leukoserve req/s / benchmark_app FPS`),
      ...run.uploads.map((u) => `${u.description}: leukoserve / threaded peer, c >= ${PEER_FROM_CONNECTIONS}`),
      'agreement with f32 (manifest)',
    ],
    rows,
  );
}

function loadTables(run: BenchResult): string {
  const latency = referenceLatencyMs(run);
  return run.precisions
    .flatMap((series, index) =>
      run.uploads.map(({ id, description, bytes }) => {
        const fps = series.ceiling[id]?.throughputFps ?? Number.NaN;
        // The Flask baseline ran at the first precision only.
        const flask = index === 0 ? run.baseline : undefined;
        const rows = run.settings.concurrencies.map((c) => {
          const ours = pointAt(series.leukoserve, id, c);
          const peer = pointAt(series.peer, id, c);
          const base = flask && pointAt(flask, id, c);
          const failures = (ours?.non2xx ?? 0) + (ours?.errors ?? 0);
          const ratio = (other: typeof ours) => (ours && other && other.ok > 0 ? `${fixed(ours.requestsPerSecond / other.requestsPerSecond, 2)}x` : '-');
          return [
            String(c),
            ours ? fixed(ours.requestsPerSecond) : '-',
            ours ? `${fixed(ours.requestsPerSecond / fps, 2)}x` : '-',
            percentiles(ours),
            ...(index === 0 ? [ours ? `${fixed(ours.latencyMs.p50 / latency, 2)}x` : '-'] : []),
            String(failures),
            peer ? fixed(peer.requestsPerSecond) : '-',
            percentiles(peer),
            ratio(peer),
            ...(flask ? [base ? fixed(base.requestsPerSecond) : '-', percentiles(base), ratio(base)] : []),
          ];
        });
        return [
          `### ${series.precision}, ${description}, ${fixed(bytes / 1024)} KiB`,
          '',
          `Ceiling: ${fixed(fps)} FPS (benchmark_app at ${series.precision}, throughput hint, run right before this series).`,
          '',
          table(
            [
              'c',
              'leukoserve req/s',
              'vs ceiling FPS',
              'leukoserve p50 / p95 / p99 ms',
              ...(index === 0 ? ['p50 vs latency-hint median'] : []),
              'non-2xx + errors',
              'threaded peer req/s',
              'threaded peer p50 / p95 / p99 ms',
              'leukoserve / threaded peer',
              ...(flask ? ['Flask req/s', 'Flask p50 / p95 / p99 ms', 'leukoserve / Flask'] : []),
            ],
            rows,
          ),
        ].join('\n');
      }),
    )
    .join('\n\n');
}

function memoryTable(run: BenchResult): string {
  const servers: [string, ServerResult][] = [
    ...run.precisions.map((s): [string, ServerResult] => [`leukoserve ${s.precision}`, s.leukoserve]),
    ...run.precisions.map((s): [string, ServerResult] => [`threaded peer ${s.precision}`, s.peer]),
    ['Flask baseline', run.baseline],
  ];
  const sample = (s: ServerResult, pick: (m: ServerResult['memory']) => MemorySample | undefined) => mib(pick(s.memory)?.rssBytes);
  const soak = run.precisions.find((s) => s.leukoserve.memory.soak)?.leukoserve.memory.soak;
  const row = (name: string, pick: (s: ServerResult) => string) => [name, ...servers.map(([, s]) => pick(s))];
  return table(
    ['', ...servers.map(([name]) => name)],
    [
      row('ready, cold (empty CACHE_DIR)', (s) => ms(s.readyMs.cold)),
      row('ready, warm (CACHE_DIR filled)', (s) => ms(s.readyMs.warm)),
      row('RSS idle, model loaded', (s) => sample(s, (m) => m.idle)),
      row('RSS after the first 100 requests', (s) => sample(s, (m) => m.soak?.after100)),
      row(`RSS after ${soak?.warmUp ?? '-'} requests (warm-up)`, (s) => sample(s, (m) => m.soak?.afterWarmUp)),
      row(`RSS after ${soak?.requests ?? '-'} requests`, (s) => sample(s, (m) => m.soak?.afterAll)),
      row('RSS after all load points', (s) => sample(s, (m) => m.end)),
      row('peak RSS (VmHWM)', (s) => mib(s.memory.end.peakRssBytes)),
    ],
  );
}

function startupTable(run: BenchResult): string {
  const first = run.precisions[0]?.leukoserve;
  const startup = first?.startup;
  if (!first || !startup || startup.warm.length === 0) return '';
  // Lines are matched between the starts with their numbers (ports, ids) blanked out; each is shown once.
  const key = (msg: string) => msg.replace(/\d+/g, '#');
  const coldAt = (msg: string) => startup.cold.find((m) => key(m.msg) === key(msg))?.atMs;
  const firsts = startup.warm.filter((m, i) => startup.warm.findIndex((n) => key(n.msg) === key(m.msg)) === i);
  return [
    '',
    "leukoserve's log lines on the way to ready (ms after spawn):",
    '',
    table(
      ['log line', 'cold', 'warm'],
      [
        ...firsts.map((m) => [m.msg.length > 90 ? `${m.msg.slice(0, 87)}...` : m.msg, ms(coldAt(m.msg)), ms(m.atMs)]),
        ['GET /health/ready answered 200', ms(first.readyMs.cold), ms(first.readyMs.warm)],
      ],
    ),
  ].join('\n');
}

function profileSection(p: ProfileSummary): string {
  const share = (ms: number) => `${fixed((100 * ms) / p.mainThread.sampledMs)} %`;
  return [
    `## Where the time goes (${p.upload}, ${p.precision}, c=${p.connections}, ${fixed(p.seconds)} s, ${fixed(p.requestsPerSecond)} req/s)`,
    '',
    'CPU per thread of the leukoserve process (1.0 = one core busy for the whole window; `node` = threads that native libraries start, ' +
      "chiefly OpenVINO's inference workers, which inherit the process name):",
    '',
    table(['thread', 'cores busy'], p.threads.map((t) => [t.name, fixed(t.cpuSeconds / p.seconds, 2)])),
    '',
    'JS main thread (node --cpu-prof, self time; `(idle)` = waiting for I/O or a worker):',
    '',
    table(['origin', 'share'], p.mainThread.byOrigin.slice(0, 12).map((o) => [o.origin, share(o.selfMs)])),
    '',
    table(['function', 'origin', 'share'], p.mainThread.topFunctions.map((f) => [`\`${f.fn}\``, f.origin, share(f.selfMs)])),
  ].join('\n');
}

function ceilingTable(run: BenchResult): string {
  const [first] = run.precisions;
  // Every benchmark_app run of the run, named.
  const rows: [string, CeilingRun][] = [
    [`throughput, ${first?.precision ?? ''}, at the start`, run.ceiling.throughput],
    ...run.precisions.flatMap((series) =>
      run.uploads.flatMap(({ id, description }): [string, CeilingRun][] => {
        const c = series.ceiling[id];
        return c ? [[`throughput, ${series.precision}, right before the ${description} series`, c]] : [];
      }),
    ),
    ...run.ceiling.latency.map((c, i): [string, CeilingRun] => [`latency, right ${i === 0 ? 'before' : 'after'} the single-client point`, c]),
    [`throughput, ${first?.precision ?? ''}, again after the HTTP runs`, run.ceiling.throughputAfter],
  ];
  return table(
    ['run', 'precision (plugin)', 'FPS', 'median latency', 'average latency', 'infer requests'],
    rows.map(([name, c]) => [name, c.precision, fixed(c.throughputFps), ms(c.latencyMedianMs), ms(c.latencyAverageMs), String(c.inferRequests)]),
  );
}

export function renderMarkdown(run: BenchResult): string {
  const m = run.machine;
  const s = run.settings;
  const compiled = run.precisions.map((p) => `${p.precision}: ${p.leukoserve.compiled ? `${p.leukoserve.compiled.device}, ${p.leukoserve.compiled.numRequests} infer requests, serving ${p.leukoserve.compiled.served ?? '?'}` : '?'}`);
  return [
    `# leukoserve bench, ${run.date} (${run.mode})`,
    '',
    `${m.cpuModel} (flags: ${m.cpuFlags.join(', ') || 'none of the listed'}), ${m.cores} cores, ${mib(m.memoryBytes)}; ${m.os}; node ${m.node}; OpenVINO ${m.openvino}; leukoserve ${m.leukoserveSha.slice(0, 12)}${m.dirty ? ' (uncommitted changes)' : ''}.`,
    `Model ${s.model} on CPU; leukoserve compiled (${compiled.join('; ')}). ${s.seconds} s per point after ${s.warmupSeconds} s warm-up; benchmark_app ${s.ceilingSeconds} s per run; server LOG_LEVEL=${s.serverLogLevel}; autocannon in the bench process, raw-body POST /classify, keep-alive.`,
    '',
    '## Per precision',
    '',
    'Saturation throughput (the best concurrency) against benchmark_app at the same precision, run right before each series; ' +
      `and the range of leukoserve's throughput over the threaded Python peer's (bench/baselines/threaded_server.py, same precision) at c >= ${PEER_FROM_CONNECTIONS}. ` +
      Object.entries(COMPUTES)
        .map(([p, what]) => `${p} = ${what}`)
        .join('; ') +
      '.',
    '',
    summaryTable(run),
    '',
    '## Targets',
    '',
    table(['target', 'measured', 'wanted', 'result'], run.targets.map((t) => [t.name, t.measured, t.wanted, t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'FAIL'])),
    '',
    '## Ceiling: benchmark_app, same IR, same precision, same device',
    '',
    ceilingTable(run),
    '',
    'Each series\' ratios divide by the run right before it; the run at the start and the one after all HTTP runs show whether the machine stayed quiet.',
    ...(ceilingDrift(run.ceiling) > 0.1
      ? ['', `**Warning: benchmark_app's throughput moved ${fixed(ceilingDrift(run.ceiling) * 100)} % during the run: something else used the CPU, and every ratio to the ceiling is unreliable.**`]
      : []),
    '',
    '## Throughput and latency over HTTP',
    '',
    `"vs ceiling FPS" divides by benchmark_app's throughput at the same precision measured right before the series; "p50 vs latency-hint median" by its latency-hint median around the single-client point (${ms(referenceLatencyMs(run))}). The Flask baseline ran at ${run.precisions[0]?.precision ?? '-'} only.`,
    '',
    loadTables(run),
    '',
    '## Start-up and memory',
    '',
    memoryTable(run),
    startupTable(run),
    '',
    '## Same computation: top label per upload',
    '',
    table(
      ['upload', ...run.precisions.flatMap((p) => [`leukoserve ${p.precision}`, `threaded peer ${p.precision}`]), 'Flask baseline'],
      run.uploads.map(({ id, description }) => {
        const show = (t: ServerResult['top'][typeof id]) => (t ? `${t.label} (${fixed(t.score, 4)})` : '-');
        return [description, ...run.precisions.flatMap((p) => [show(p.leukoserve.top[id]), show(p.peer.top[id])]), show(run.baseline.top[id])];
      }),
    ),
    '',
    (run.profiles ?? []).map(profileSection).join('\n\n'),
  ].join('\n');
}

/**
 * Writes <date>.{json,md} and latest.{json,md}; returns the Markdown. A quick run writes
 * <date>-quick.{json,md} only: its short points must not replace the committed full run.
 */
export async function writeResults(dir: string, run: BenchResult): Promise<string> {
  await mkdir(dir, { recursive: true });
  const markdown = renderMarkdown(run);
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const stamp = run.date.replace(/:/g, '-');
  for (const name of run.mode === 'quick' ? [`${stamp}-quick`] : [stamp, 'latest']) {
    await writeFile(path.join(dir, `${name}.json`), json);
    await writeFile(path.join(dir, `${name}.md`), markdown);
  }
  return markdown;
}
