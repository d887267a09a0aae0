/**
 * `npm run bench [-- --quick] [-- --profile]`: benchmark_app's ceiling, leukoserve over HTTP and the
 * Flask baseline, on the default model's FP32 IR and the CPU, all in one run. Writes
 * bench/results/<date>.{md,json} and latest.{md,json} and prints the Markdown.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadManifest } from '../src/model/manifest.js';
import { runBenchmarkApp, type CeilingRun } from './ceiling.js';
import { loadBenchConfig, type BenchConfig } from './config.js';
import { describeMachine } from './machine.js';
import { measurePoints, profileWindow, singleClient, soak, type Log } from './measure.js';
import { writeResults } from './report.js';
import type { BenchResult, ServerResult, UploadId } from './result.js';
import { ServerProcess } from './server-process.js';
import { baselineSpec, benchPaths, leukoserveSpec, type BenchPaths } from './servers.js';
import { judgeTargets } from './targets.js';
import { makeUploads, type Upload } from './uploads.js';

// leukoserve compiles for the CPU with INFERENCE_PRECISION_HINT=f32 (src/inference/pool.ts); the ceiling
// and the baseline use the same, so all three compute the same thing.
const INFER_PRECISION = 'f32';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const log: Log = (message) => console.error(`[bench +${((performance.now() - started) / 1000).toFixed(0)}s] ${message}`);

/** GET /devices: which device and how many infer requests leukoserve chose. Informative only. */
async function compiledOn(server: ServerProcess): Promise<ServerResult['compiled']> {
  try {
    const body = (await (await fetch(`${server.url}/devices`)).json()) as { compiled?: { device?: unknown; numRequests?: unknown } };
    const { device, numRequests } = body.compiled ?? {};
    return typeof device === 'string' && typeof numRequests === 'number' ? { device, numRequests } : undefined;
  } catch {
    return undefined;
  }
}

/** Runs benchmark_app at f32 with a hint (bound to the IR and the run's duration). */
type Ceiling = (hint: CeilingRun['hint']) => Promise<CeilingRun>;

async function measureLeukoserve(
  paths: BenchPaths,
  config: BenchConfig,
  uploads: readonly Upload[],
  cacheDir: string,
  ceiling: Ceiling,
): Promise<{ result: ServerResult; beside: BenchResult['ceiling']['beside'] }> {
  // The two timed starts log at info, so their milestones show where start-up time goes; the server
  // that takes the load is a third start, at the bench's log level.
  const startAndStop = async (what: string) => {
    const server = await ServerProcess.start(await leukoserveSpec(paths, { modelDir: config.modelDir, cacheDir, logLevel: 'info' }));
    await server.stop();
    log(`leukoserve ready in ${server.readyMs.toFixed(0)} ms with ${what}`);
    return server;
  };
  const cold = await startAndStop('an empty CACHE_DIR');
  const warm = await startAndStop('a warm CACHE_DIR');
  const server = await ServerProcess.start(await leukoserveSpec(paths, { modelDir: config.modelDir, cacheDir, logLevel: config.logLevel }));
  try {
    const idle = await server.memory();
    const compiled = await compiledOn(server);
    const soakUpload = uploads.find((u) => u.id === 'jpeg-299') ?? uploads[0];
    if (!soakUpload) throw new Error('no uploads');
    const soaked = await soak(server, soakUpload, config.memoryRequests, log);
    const throughputBeside: Partial<Record<UploadId, CeilingRun>> = {};
    const { top, points } = await measurePoints(server, uploads, config, log, async (upload) => {
      const reference = await ceiling('throughput');
      throughputBeside[upload.id] = reference;
      log(`ceiling before the ${upload.id} series: ${reference.throughputFps} FPS`);
    });
    const end = await server.memory();
    await server.stop();
    const latencyServer = await ServerProcess.start(
      await leukoserveSpec(paths, { modelDir: config.modelDir, cacheDir, logLevel: config.logLevel, performanceHint: 'LATENCY' }),
    );
    const latencyBefore = await ceiling('latency');
    const latencyHint = await singleClient(latencyServer, soakUpload, config, log).finally(() => latencyServer.stop());
    const latencyAfter = await ceiling('latency');
    log(`ceiling around the single-client point: ${latencyBefore.latencyMedianMs} / ${latencyAfter.latencyMedianMs} ms median`);
    const result: ServerResult = {
      name: 'leukoserve',
      latencyHint,
      ...(compiled ? { compiled } : {}),
      readyMs: { cold: cold.readyMs, warm: warm.readyMs },
      startup: { cold: cold.startupMilestones, warm: warm.startupMilestones },
      top,
      points,
      memory: { idle, soak: soaked, end },
    };
    return { result, beside: { throughput: throughputBeside, latency: [latencyBefore, latencyAfter] } };
  } finally {
    await server.stop();
  }
}

async function measureBaseline(paths: BenchPaths, config: BenchConfig, uploads: readonly Upload[]): Promise<ServerResult> {
  const server = await ServerProcess.start(await baselineSpec(paths, config.modelDir, INFER_PRECISION));
  log(`Flask baseline ready in ${server.readyMs.toFixed(0)} ms`);
  try {
    const idle = await server.memory();
    const { top, points } = await measurePoints(server, uploads, config, log);
    return { name: 'flask-baseline', readyMs: { cold: server.readyMs }, top, points, memory: { idle, end: await server.memory() } };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const config = loadBenchConfig(process.argv.slice(2), process.env, root);
  const paths = benchPaths(root);
  const manifest = await loadManifest(config.modelDir);
  const xml = manifest.irPath('fp32');
  log(`building leukoserve (tsc -p tsconfig.build.json)`);
  await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root });
  const [machine, uploads] = await Promise.all([describeMachine(root, paths.python), makeUploads(root)]);

  log(`ceiling: benchmark_app -hint throughput / latency at f32, throughput at the default precision, ${config.ceilingSeconds} s each`);
  const ceiling: Ceiling = (hint) => runBenchmarkApp(paths.benchmarkApp, xml, hint, config.ceilingSeconds, INFER_PRECISION);
  const throughput = await ceiling('throughput');
  const latency = await ceiling('latency');
  const throughputDefaultPrecision = await runBenchmarkApp(paths.benchmarkApp, xml, 'throughput', config.ceilingSeconds);
  log(
    `ceiling: ${throughput.throughputFps} FPS (throughput hint), ${latency.latencyMedianMs} ms median (latency hint); ` +
      `${throughputDefaultPrecision.throughputFps} FPS at ${throughputDefaultPrecision.precision}`,
  );

  const cacheDir = await mkdtemp(path.join(tmpdir(), 'leukoserve-bench-cache-'));
  try {
    const { result: leukoserve, beside } = await measureLeukoserve(paths, config, uploads, cacheDir, ceiling);
    const baseline = await measureBaseline(paths, config, uploads);
    const throughputAfter = await ceiling('throughput');
    log(`ceiling again after the HTTP runs: ${throughputAfter.throughputFps} FPS (was ${throughput.throughputFps})`);
    const profiles = [];
    if (config.profile) {
      for (const upload of uploads.filter((u) => u.id !== 'bmp-450')) profiles.push(await profileWindow(paths, config, cacheDir, upload, log));
    }
    const measured: Omit<BenchResult, 'targets' | 'profiles'> = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      mode: config.quick ? 'quick' : 'full',
      settings: {
        seconds: config.seconds,
        warmupSeconds: config.warmupSeconds,
        ceilingSeconds: config.ceilingSeconds,
        concurrencies: config.concurrencies,
        serverLogLevel: config.logLevel,
        model: `${manifest.manifest.name} ${manifest.manifest.version}`,
      },
      machine,
      uploads: uploads.map(({ id, description, body }) => ({ id, description, bytes: body.length })),
      ceiling: { throughput, latency, throughputDefaultPrecision, throughputAfter, beside },
      leukoserve,
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
