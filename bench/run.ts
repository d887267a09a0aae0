/**
 * `npm run bench [-- --quick] [-- --profile]`: for each CPU precision (f32, bf16, int8), benchmark_app's
 * ceiling at it, leukoserve over HTTP at it and the threaded Python peer at it, point by point in turn; the Flask baseline,
 * the start-up and single-client runs at the first, the soak at the last; all in one run, on the
 * default model and the CPU. Writes bench/results/<date>.{md,json} and latest.{md,json} and prints the Markdown.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadManifest, type LoadedManifest } from '../src/model/manifest.js';
import type { ServedPrecision } from '../src/inference/index.js';
import { runBenchmarkApp, type CeilingRun } from './ceiling.js';
import { loadBenchConfig, type BenchConfig } from './config.js';
import { describeMachine } from './machine.js';
import { measurePoints, profileWindow, singleClient, soak, type Log } from './measure.js';
import { ceilingModel } from './precisions.js';
import { writeResults } from './report.js';
import type { BenchResult, PrecisionRun, ServerResult, UploadId } from './result.js';
import { ServerProcess } from './server-process.js';
import { benchPaths, leukoserveSpec, pythonPeerSpec, type BenchPaths, type PythonPeer } from './servers.js';
import { judgeTargets } from './targets.js';
import { makeUploads, type Upload } from './uploads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const log: Log = (message) => console.error(`[bench +${((performance.now() - started) / 1000).toFixed(0)}s] ${message}`);

/** What one run shares between its series. */
interface Bench {
  readonly paths: BenchPaths;
  readonly config: BenchConfig;
  readonly model: LoadedManifest;
  readonly uploads: readonly Upload[];
  /** The 299x299 JPEG: the upload of the soak and of the single-client point. */
  readonly small: Upload;
  readonly cacheDir: string;
}

/** benchmark_app computing what CPU_PRECISION=precision computes: same IR, same INFERENCE_PRECISION_HINT. */
function ceilingAt(bench: Bench, precision: ServedPrecision, hint: CeilingRun['hint']): Promise<CeilingRun> {
  const { xml, inferPrecision } = ceilingModel(bench.model, precision);
  return runBenchmarkApp(bench.paths.benchmarkApp, xml, hint, bench.config.ceilingSeconds, inferPrecision);
}

/** GET /devices: the device, the number of infer requests and the precision leukoserve serves. Informative only. */
async function compiledOn(server: ServerProcess): Promise<ServerResult['compiled']> {
  try {
    const body = (await (await fetch(`${server.url}/devices`)).json()) as {
      compiled?: { device?: unknown; numRequests?: unknown; precision?: { served?: unknown } };
    };
    const { device, numRequests, precision } = body.compiled ?? {};
    if (typeof device !== 'string' || typeof numRequests !== 'number') return undefined;
    return { device, numRequests, ...(typeof precision?.served === 'string' ? { served: precision.served } : {}) };
  } catch {
    return undefined;
  }
}

/** The cold and warm starts (at info, so their milestones show where start-up time goes). */
async function timedStarts(bench: Bench, precision: ServedPrecision): Promise<Pick<ServerResult, 'readyMs' | 'startup'>> {
  const startAndStop = async (what: string) => {
    const spec = await leukoserveSpec(bench.paths, { modelDir: bench.config.modelDir, cacheDir: bench.cacheDir, logLevel: 'info', cpuPrecision: precision });
    const server = await ServerProcess.start(spec);
    await server.stop();
    log(`leukoserve ready in ${server.readyMs.toFixed(0)} ms with ${what}`);
    return server;
  };
  const cold = await startAndStop('an empty CACHE_DIR');
  const warm = await startAndStop('a warm CACHE_DIR');
  return { readyMs: { cold: cold.readyMs, warm: warm.readyMs }, startup: { cold: cold.startupMilestones, warm: warm.startupMilestones } };
}

/**
 * leukoserve and the threaded Python peer at one precision, both started and idle while the other is
 * measured: each upload's series right after its own ceiling, each point on leukoserve then on the peer.
 */
async function measurePrecision(
  bench: Bench,
  precision: ServedPrecision,
  withSoak: boolean,
): Promise<{ leukoserve: ServerResult; peer: ServerResult; ceiling: PrecisionRun['ceiling'] }> {
  const { config, uploads } = bench;
  const spec = await leukoserveSpec(bench.paths, { modelDir: config.modelDir, cacheDir: bench.cacheDir, logLevel: config.logLevel, cpuPrecision: precision });
  const server = await ServerProcess.start(spec);
  try {
    const peer = await startPython(bench, 'threaded-peer', precision);
    try {
      const idle = { leukoserve: await server.memory(), peer: await peer.memory() };
      const compiled = await compiledOn(server);
      const soaked = withSoak ? await soak(server, bench.small, config.memoryRequests, log) : undefined;
      const ceiling: Partial<Record<UploadId, CeilingRun>> = {};
      const [mine, theirs] = await measurePoints([server, peer], uploads, config, log, async (upload) => {
        const reference = await ceilingAt(bench, precision, 'throughput');
        ceiling[upload.id] = reference;
        log(`benchmark_app at ${precision} before the ${upload.id} series: ${reference.throughputFps} FPS`);
      });
      const leukoserve: ServerResult = {
        name: 'leukoserve',
        ...(compiled ? { compiled } : {}),
        readyMs: { cold: server.readyMs },
        ...mine!,
        memory: { idle: idle.leukoserve, end: await server.memory(), ...(soaked ? { soak: soaked } : {}) },
      };
      const peerResult: ServerResult = { name: peer.spec.name, readyMs: { cold: peer.readyMs }, ...theirs!, memory: { idle: idle.peer, end: await peer.memory() } };
      return { leukoserve, peer: peerResult, ceiling };
    } finally {
      await peer.stop();
    }
  } finally {
    await server.stop();
  }
}

/** One client against leukoserve started with PERFORMANCE_HINT=LATENCY, between two latency-hint ceilings. */
async function measureLatency(bench: Bench, precision: ServedPrecision): Promise<{ point: NonNullable<ServerResult['latencyHint']>; ceiling: CeilingRun[] }> {
  const { config } = bench;
  const spec = await leukoserveSpec(bench.paths, {
    modelDir: config.modelDir,
    cacheDir: bench.cacheDir,
    logLevel: config.logLevel,
    performanceHint: 'LATENCY',
    cpuPrecision: precision,
  });
  const server = await ServerProcess.start(spec);
  const before = await ceilingAt(bench, precision, 'latency');
  const point = await singleClient(server, bench.small, config, log).finally(() => server.stop());
  const after = await ceilingAt(bench, precision, 'latency');
  log(`benchmark_app latency hint around the single-client point: ${before.latencyMedianMs} / ${after.latencyMedianMs} ms median`);
  return { point, ceiling: [before, after] };
}

async function startPython(bench: Bench, peer: PythonPeer, precision: ServedPrecision): Promise<ServerProcess> {
  const server = await ServerProcess.start(await pythonPeerSpec(bench.paths, peer, bench.config.modelDir, precision));
  log(`${peer} at ${precision} ready in ${server.readyMs.toFixed(0)} ms`);
  return server;
}

/** A Python server alone: every point. */
async function measurePython(bench: Bench, peer: PythonPeer, precision: ServedPrecision): Promise<ServerResult> {
  const server = await startPython(bench, peer, precision);
  try {
    const idle = await server.memory();
    const [measured] = await measurePoints([server], bench.uploads, bench.config, log);
    return { name: peer, readyMs: { cold: server.readyMs }, ...measured!, memory: { idle, end: await server.memory() } };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const config = loadBenchConfig(process.argv.slice(2), process.env, root);
  const paths = benchPaths(root);
  const model = await loadManifest(config.modelDir);
  log(`building leukoserve (tsc -p tsconfig.build.json)`);
  await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root });
  const [machine, uploads] = await Promise.all([describeMachine(root, paths.python), makeUploads(root)]);
  const small = uploads.find((u) => u.id === 'jpeg-299');
  const [first] = config.precisions;
  const last = config.precisions.at(-1);
  if (!first || !last || !small) throw new Error('no precisions or no 299x299 JPEG');
  log(`${machine.cpuModel} (${machine.cpuFlags.join(' ')}); precisions ${config.precisions.join(', ')}`);

  const cacheDir = await mkdtemp(path.join(tmpdir(), 'leukoserve-bench-cache-'));
  try {
    const bench: Bench = { paths, config, model, uploads, small, cacheDir };
    const throughput = await ceilingAt(bench, first, 'throughput');
    log(`benchmark_app at ${first}: ${throughput.throughputFps} FPS (throughput hint)`);
    const precisions: PrecisionRun[] = [];
    let latency: CeilingRun[] = [];
    for (const precision of config.precisions) {
      const starts = precision === first ? await timedStarts(bench, precision) : undefined;
      const measured = await measurePrecision(bench, precision, precision === last);
      const { peer, ceiling } = measured;
      let leukoserve: ServerResult = { ...measured.leukoserve, ...starts };
      if (precision === first) {
        const single = await measureLatency(bench, precision);
        leukoserve = { ...leukoserve, latencyHint: single.point };
        latency = single.ceiling;
      }
      precisions.push({ precision, ceiling, leukoserve, peer });
    }
    const baseline = await measurePython(bench, 'flask-baseline', first);
    const throughputAfter = await ceilingAt(bench, first, 'throughput');
    log(`benchmark_app at ${first} again after the HTTP runs: ${throughputAfter.throughputFps} FPS (was ${throughput.throughputFps})`);
    const profiles = [];
    if (config.profile) {
      for (const upload of uploads.filter((u) => u.id !== 'bmp-450')) profiles.push(await profileWindow(paths, config, cacheDir, upload, first, log));
    }
    const measured: Omit<BenchResult, 'targets' | 'profiles'> = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      mode: config.quick ? 'quick' : 'full',
      settings: {
        seconds: config.seconds,
        warmupSeconds: config.warmupSeconds,
        ceilingSeconds: config.ceilingSeconds,
        concurrencies: config.concurrencies,
        precisions: config.precisions,
        serverLogLevel: config.logLevel,
        model: `${model.manifest.name} ${model.manifest.version}`,
      },
      machine,
      uploads: uploads.map(({ id, description, body }) => ({ id, description, bytes: body.length })),
      ...(model.manifest.agreement ? { agreement: model.manifest.agreement } : {}),
      ceiling: { throughput, throughputAfter, latency },
      precisions,
      baseline,
    };
    const result: BenchResult = { ...measured, targets: judgeTargets(measured), ...(profiles.length > 0 ? { profiles } : {}) };
    const markdown = await writeResults(config.resultsDir, result);
    console.log(markdown);
    log(`results written to ${path.relative(root, config.resultsDir)}/`);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

await main();
