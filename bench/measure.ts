import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config.js';
import { classifyOnce, runLoad, type LoadPoint, type TopPrediction } from './load.js';
import { readThreadCpu, type MemorySample } from './proc-status.js';
import { monotonicUs, readCpuProfile, summariseMainThread, threadCpuBetween, type ProfileSummary } from './profile.js';
import type { ServerResult, UploadId } from './result.js';
import { ServerProcess } from './server-process.js';
import { leukoserveSpec, type BenchPaths } from './servers.js';
import type { Upload } from './uploads.js';
import type { ServedPrecision } from '../src/inference/index.js';

export type Log = (message: string) => void;

/**
 * The top label of each upload, then every (upload, concurrency) point, each after its own warm-up;
 * with several servers, each point is measured on each of them in turn, so that the shared VM's drift
 * (minutes of 20 % slower, at times) falls alike on the servers being compared.
 * `beforeSeries` runs before each upload's points (the bench measures its reference there).
 */
export async function measurePoints(
  servers: readonly ServerProcess[],
  uploads: readonly Upload[],
  config: BenchConfig,
  log: Log,
  beforeSeries?: (upload: Upload) => Promise<void>,
): Promise<Pick<ServerResult, 'top' | 'points'>[]> {
  const results = servers.map(() => ({ top: {} as Partial<Record<UploadId, TopPrediction>>, points: {} as Partial<Record<UploadId, LoadPoint[]>> }));
  for (const upload of uploads) {
    await beforeSeries?.(upload);
    for (const [i, server] of servers.entries()) {
      results[i]!.top[upload.id] = await classifyOnce(server.url, upload);
      results[i]!.points[upload.id] = [];
    }
    for (const connections of config.concurrencies) {
      for (const [i, server] of servers.entries()) {
        if (config.warmupSeconds > 0) await runLoad({ url: server.url, upload, connections, seconds: config.warmupSeconds });
        const point = await runLoad({ url: server.url, upload, connections, seconds: config.seconds });
        log(
          `${server.spec.name} ${upload.id} c=${connections}: ${point.requestsPerSecond.toFixed(1)} req/s, ` +
            `p50 ${point.latencyMs.p50} ms, p99 ${point.latencyMs.p99} ms, ${point.non2xx} non-2xx, ${point.errors} errors`,
        );
        results[i]!.points[upload.id]!.push(point);
      }
    }
  }
  return results;
}

/** One client on a server started for latency (PERFORMANCE_HINT=LATENCY). */
export async function singleClient(server: ServerProcess, upload: Upload, config: BenchConfig, log: Log): Promise<LoadPoint> {
  if (config.warmupSeconds > 0) await runLoad({ url: server.url, upload, connections: 1, seconds: config.warmupSeconds });
  const point = await runLoad({ url: server.url, upload, connections: 1, seconds: config.seconds });
  log(`${server.spec.name} (PERFORMANCE_HINT=LATENCY) ${upload.id} c=1: ${point.requestsPerSecond.toFixed(1)} req/s, p50 ${point.latencyMs.p50} ms`);
  return point;
}

const SOAK_CONNECTIONS = 4;

/**
 * Requests before the leak check's reference reading: RSS climbs through the first thousand or so as
 * glibc's arenas and V8's heap reach their working size (measured: +14 MiB from 100 to 1000 requests,
 * then within 3.3 MiB from 2000 to 20,000), which is not a leak.
 */
export const SOAK_WARM_UP_REQUESTS = 1000;

/** RSS after 100 requests, after the warm-up and after `requests` in all, one upload at one concurrency throughout. */
export async function soak(server: ServerProcess, upload: Upload, requests: number, log: Log): Promise<NonNullable<ServerResult['memory']['soak']>> {
  const rss = (m: MemorySample) => `${(m.rssBytes / 2 ** 20).toFixed(1)} MiB`;
  await runLoad({ url: server.url, upload, connections: SOAK_CONNECTIONS, amount: 100 });
  const after100 = await server.memory();
  const warmUp = Math.min(SOAK_WARM_UP_REQUESTS, requests);
  if (warmUp > 100) await runLoad({ url: server.url, upload, connections: SOAK_CONNECTIONS, amount: warmUp - 100 });
  const afterWarmUp = await server.memory();
  log(`${server.spec.name} soak: RSS after 100 requests ${rss(after100)}, after ${warmUp} ${rss(afterWarmUp)}; sending ${requests - warmUp} more`);
  if (requests > warmUp) await runLoad({ url: server.url, upload, connections: SOAK_CONNECTIONS, amount: requests - warmUp });
  const afterAll = await server.memory();
  log(`${server.spec.name} soak: RSS after ${requests} requests ${rss(afterAll)}`);
  return { requests, after100, warmUp, afterWarmUp, afterAll };
}

const PROFILE_CONNECTIONS = 4;

/** One leukoserve run under node --cpu-prof: per-thread CPU and main-thread self time over one load window. */
export async function profileWindow(
  paths: BenchPaths,
  config: BenchConfig,
  cacheDir: string,
  upload: Upload,
  precision: ServedPrecision,
  log: Log,
): Promise<ProfileSummary> {
  const profileDir = await mkdtemp(path.join(tmpdir(), 'leukoserve-cpuprof-'));
  try {
    const spec = await leukoserveSpec(paths, {
      modelDir: config.modelDir,
      cacheDir,
      logLevel: config.logLevel,
      cpuPrecision: precision,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    });
    const server = await ServerProcess.start(spec);
    let window: { from: number; to: number; point: LoadPoint; threads: ProfileSummary['threads'] };
    try {
      await runLoad({ url: server.url, upload, connections: PROFILE_CONNECTIONS, seconds: Math.max(1, config.warmupSeconds) });
      const before = await readThreadCpu(server.pid);
      const from = monotonicUs();
      const point = await runLoad({ url: server.url, upload, connections: PROFILE_CONNECTIONS, seconds: config.seconds });
      const to = monotonicUs();
      window = { from, to, point, threads: threadCpuBetween(before, await readThreadCpu(server.pid)) };
    } finally {
      await server.stop();
    }
    const summary: ProfileSummary = {
      upload: upload.description,
      precision,
      connections: PROFILE_CONNECTIONS,
      seconds: (window.to - window.from) / 1e6,
      requestsPerSecond: window.point.requestsPerSecond,
      threads: window.threads,
      mainThread: summariseMainThread(await readCpuProfile(profileDir), window.from, window.to, paths.root),
    };
    log(`profile ${upload.id}: ${summary.requestsPerSecond.toFixed(1)} req/s; threads ${summary.threads.map((t) => `${t.name} ${(t.cpuSeconds / summary.seconds).toFixed(2)}`).join(', ')}`);
    return summary;
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}
