import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CeilingRun } from './ceiling.js';
import type { MemorySample } from './proc-status.js';
import type { ProfileSummary } from './profile.js';
import type { BenchResult, ServerResult } from './result.js';
import { ceilingDrift, fixed, pointAt, referenceFps, referenceLatencyMs } from './targets.js';

const MiB = 1024 * 1024;
const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${fixed(bytes / MiB)} MiB`);
const ms = (value: number | undefined) => (value === undefined ? '-' : `${fixed(value)} ms`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function loadTables(run: BenchResult): string {
  const latency = referenceLatencyMs(run);
  return run.uploads
    .map(({ id, description, bytes }) => {
      const fps = referenceFps(run, id);
      const rows = run.settings.concurrencies.map((c) => {
        const ours = pointAt(run.leukoserve, id, c);
        const theirs = pointAt(run.baseline, id, c);
        const failures = (ours?.non2xx ?? 0) + (ours?.errors ?? 0);
        return [
          String(c),
          ours ? fixed(ours.requestsPerSecond) : '-',
          ours ? `${fixed(ours.requestsPerSecond / fps, 2)}x` : '-',
          ours ? `${fixed(ours.latencyMs.p50)} / ${fixed(ours.latencyMs.p95)} / ${fixed(ours.latencyMs.p99)}` : '-',
          ours ? `${fixed(ours.latencyMs.p50 / latency, 2)}x` : '-',
          String(failures),
          theirs ? fixed(theirs.requestsPerSecond) : '-',
          theirs ? `${fixed(theirs.latencyMs.p50)} / ${fixed(theirs.latencyMs.p95)} / ${fixed(theirs.latencyMs.p99)}` : '-',
          ours && theirs ? `${fixed(ours.requestsPerSecond / theirs.requestsPerSecond, 2)}x` : '-',
        ];
      });
      return [
        `### ${description}, ${fixed(bytes / 1024)} KiB`,
        '',
        `Ceiling for this upload: ${fixed(fps)} FPS (benchmark_app, throughput hint${run.ceiling.beside.throughput[id] ? ', run right before this series' : ''}).`,
        '',
        table(
          ['c', 'leukoserve req/s', 'vs ceiling FPS', 'leukoserve p50 / p95 / p99 ms', 'p50 vs latency-hint median', 'non-2xx + errors', 'Flask req/s', 'Flask p50 / p95 / p99 ms', 'leukoserve / Flask req/s'],
          rows,
        ),
      ].join('\n');
    })
    .join('\n\n');
}

function memoryTable(run: BenchResult): string {
  const row = (name: string, pick: (s: ServerResult) => string) => [name, pick(run.leukoserve), pick(run.baseline)];
  const sample = (s: ServerResult, pick: (m: ServerResult['memory']) => MemorySample | undefined) => mib(pick(s.memory)?.rssBytes);
  const soak = run.leukoserve.memory.soak;
  return table(
    ['', 'leukoserve', 'Flask baseline'],
    [
      row('ready, cold (empty CACHE_DIR)', (s) => ms(s.readyMs.cold)),
      row('ready, warm (CACHE_DIR filled)', (s) => ms(s.readyMs.warm)),
      row('RSS idle, model loaded', (s) => sample(s, (m) => m.idle)),
      row('RSS after the first 100 requests', (s) => sample(s, (m) => m.soak?.after100)),
      row(`RSS after ${soak?.requests ?? '-'} requests`, (s) => sample(s, (m) => m.soak?.afterAll)),
      row('RSS after all load points', (s) => sample(s, (m) => m.end)),
      row('peak RSS (VmHWM)', (s) => mib(s.memory.end.peakRssBytes)),
    ],
  );
}

function startupTable(run: BenchResult): string {
  const startup = run.leukoserve.startup;
  if (!startup || startup.warm.length === 0) return '';
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
        ['GET /health/ready answered 200', ms(run.leukoserve.readyMs.cold), ms(run.leukoserve.readyMs.warm)],
      ],
    ),
  ].join('\n');
}

function profileSection(p: ProfileSummary): string {
  const share = (ms: number) => `${fixed((100 * ms) / p.mainThread.sampledMs)} %`;
  return [
    `## Where the time goes (${p.upload}, c=${p.connections}, ${fixed(p.seconds)} s, ${fixed(p.requestsPerSecond)} req/s)`,
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

export function renderMarkdown(run: BenchResult): string {
  const m = run.machine;
  const s = run.settings;
  const { throughput, latency, throughputDefaultPrecision, throughputAfter, beside } = run.ceiling;
  // Every benchmark_app run of the run, named: the run-start ones, then the references beside each series.
  const ceilingRows: [string, CeilingRun][] = [
    [throughput.hint, throughput],
    [latency.hint, latency],
    [throughputDefaultPrecision.hint, throughputDefaultPrecision],
    [`${throughputAfter.hint}, again after the HTTP runs`, throughputAfter],
    ...run.uploads.flatMap(({ id, description }): [string, CeilingRun][] => {
      const c = beside.throughput[id];
      return c ? [[`throughput, right before the ${description} series`, c]] : [];
    }),
    ...beside.latency.map((c, i): [string, CeilingRun] => [`latency, right ${i === 0 ? 'before' : 'after'} the single-client point`, c]),
  ];
  return [
    `# leukoserve bench, ${run.date} (${run.mode})`,
    '',
    `${m.cpuModel}, ${m.cores} cores, ${mib(m.memoryBytes)}; ${m.os}; node ${m.node}; OpenVINO ${m.openvino}; leukoserve ${m.leukoserveSha.slice(0, 12)}${m.dirty ? ' (uncommitted changes)' : ''}.`,
    `Model ${s.model} (FP32 IR) on CPU${run.leukoserve.compiled ? `; leukoserve compiled for ${run.leukoserve.compiled.device} with ${run.leukoserve.compiled.numRequests} infer requests` : ''}. ${s.seconds} s per point after ${s.warmupSeconds} s warm-up; benchmark_app ${s.ceilingSeconds} s per hint; server LOG_LEVEL=${s.serverLogLevel}; autocannon in the bench process, raw-body POST /classify, keep-alive.`,
    '',
    '## Targets',
    '',
    table(['target', 'measured', 'wanted', 'result'], run.targets.map((t) => [t.name, t.measured, t.wanted, t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'FAIL'])),
    '',
    '## Ceiling: benchmark_app, same IR, same device',
    '',
    table(
      ['hint', 'precision', 'FPS', 'median latency', 'average latency', 'infer requests'],
      ceilingRows.map(([name, c]) => [
        name,
        c.precision,
        fixed(c.throughputFps),
        ms(c.latencyMedianMs),
        ms(c.latencyAverageMs),
        String(c.inferRequests),
      ]),
    ),
    '',
    "The f32 rows use leukoserve's precision and are the ceiling; the bf16 row is the device's default, for information. " +
      'The Flask baseline is compiled at f32 too. The row taken after the HTTP runs shows whether the machine stayed quiet; ' +
      'the rows measured right before (or around) a series are the references its ratios use.',
    ...(ceilingDrift(run.ceiling) > 0.1
      ? ['', `**Warning: benchmark_app's throughput moved ${fixed(ceilingDrift(run.ceiling) * 100)} % during the run: something else used the CPU, and every ratio to the ceiling is unreliable.**`]
      : []),
    '',
    '## Throughput and latency over HTTP',
    '',
    `"vs ceiling FPS" divides by benchmark_app's throughput-hint FPS measured right before the upload's series; "p50 vs latency-hint median" by its latency-hint median around the single-client point (${ms(referenceLatencyMs(run))}).`,
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
      ['upload', 'leukoserve', 'Flask baseline', 'same label'],
      run.uploads.map(({ id, description }) => {
        const ours = run.leukoserve.top[id];
        const theirs = run.baseline.top[id];
        const show = (t: typeof ours) => (t ? `${t.label} (${fixed(t.score, 4)})` : '-');
        return [description, show(ours), show(theirs), ours && theirs ? (ours.label === theirs.label ? 'yes' : 'NO') : '-'];
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
