/**
 * `npm run bench:point -- [--upload jpeg-299|bmp-450|jpeg-2592] [--connections 8] [--seconds 10]
 * [--rounds 2] [--hint THROUGHPUT|LATENCY] [--precision f32|bf16|int8] [--env KEY=VALUE ...]
 * [--peer threaded-peer|flask-baseline] [--profile]`: one load point, for trying an optimisation. Each
 * round runs benchmark_app (same hint, same precision: the same IR and INFERENCE_PRECISION_HINT as
 * CPU_PRECISION), then the point, then the Python peer if one is named (same upload, same clients),
 * so that every ratio has a reference measured next to it; CPU per request is split by thread (/proc). --profile
 * runs the server under node --cpu-prof and prints where the main thread spent the last round. The
 * server's peak RSS comes last.
 * It writes nothing: `npm run bench` makes the numbers of record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadManifest } from '../src/model/manifest.js';
import { runBenchmarkApp } from './ceiling.js';
import { runLoad } from './load.js';
import { readThreadCpu } from './proc-status.js';
import { monotonicUs, readCpuProfile, summariseMainThread, threadCpuBetween } from './profile.js';
import { ServerProcess } from './server-process.js';
import { benchPaths, leukoserveSpec, PYTHON_PEERS, pythonPeerSpec, type PythonPeer } from './servers.js';
import { BENCH_PRECISIONS, ceilingModel } from './precisions.js';
import { makeUploads } from './uploads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    upload: { type: 'string', default: 'jpeg-299' },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    hint: { type: 'string', default: 'THROUGHPUT' },
    precision: { type: 'string', default: 'f32' },
    env: { type: 'string', multiple: true, default: [] },
    peer: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const hint = values.hint === 'LATENCY' ? 'LATENCY' : 'THROUGHPUT';
const [connections, seconds, rounds] = [values.connections, values.seconds, values.rounds].map(Number) as [number, number, number];
const upload = (await makeUploads(root)).find((u) => u.id === values.upload);
if (!upload) throw new Error(`--upload must be jpeg-299, bmp-450 or jpeg-2592, not ${values.upload}`);

const precision = BENCH_PRECISIONS.find((p) => p === values.precision);
if (!precision) throw new Error(`--precision must be ${BENCH_PRECISIONS.join(', ')}, not ${values.precision}`);

const peerName = values.peer === undefined ? undefined : Object.keys(PYTHON_PEERS).find((p): p is PythonPeer => p === values.peer);
if (values.peer !== undefined && !peerName) throw new Error(`--peer must be ${Object.keys(PYTHON_PEERS).join(' or ')}, not ${values.peer}`);

const paths = benchPaths(root);
const modelDir = path.join(root, 'models', 'default');
const { xml, inferPrecision } = ceilingModel(await loadManifest(modelDir), precision);
const profileDir = values.profile ? await mkdtemp(path.join(tmpdir(), 'leukoserve-cpuprof-')) : undefined;
const spec = await leukoserveSpec(paths, {
  modelDir,
  cacheDir: path.join(root, '.cache', 'bench-point'),
  logLevel: 'warn',
  performanceHint: hint,
  cpuPrecision: precision,
  ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
});
for (const pair of values.env) {
  const [key, ...rest] = pair.split('=');
  if (!key || rest.length === 0) throw new Error(`--env takes KEY=VALUE, not ${pair}`);
  spec.env[key] = rest.join('=');
}
const server = await ServerProcess.start(spec);
// Idle while the other one runs: neither takes CPU from the other's point.
const peer = peerName ? await ServerProcess.start(await pythonPeerSpec(paths, peerName, modelDir, precision)) : undefined;
let window = { fromUs: 0, toUs: 0 };
try {
  await runLoad({ url: server.url, upload, connections, seconds: 3 });
  if (peer) await runLoad({ url: peer.url, upload, connections, seconds: 3 });
  for (let round = 1; round <= rounds; round++) {
    const ceiling = await runBenchmarkApp(paths.benchmarkApp, xml, hint === 'LATENCY' ? 'latency' : 'throughput', seconds, inferPrecision);
    const before = await readThreadCpu(server.pid);
    const load = process.cpuUsage();
    const fromUs = monotonicUs();
    const point = await runLoad({ url: server.url, upload, connections, seconds });
    window = { fromUs, toUs: monotonicUs() };
    const threads = threadCpuBetween(before, await readThreadCpu(server.pid));
    const loadCpu = process.cpuUsage(load);
    const requests = point.requestsPerSecond * point.seconds;
    const perRequest = (cpuSeconds: number) => `${((cpuSeconds * 1000) / requests).toFixed(2)} ms`;
    console.log(
      `round ${round}: ${upload.id} c=${connections} ${hint} ${precision}: ${point.requestsPerSecond.toFixed(2)} req/s, p50 ${point.latencyMs.p50.toFixed(1)} ms | ` +
        `benchmark_app ${ceiling.throughputFps.toFixed(2)} FPS, median ${ceiling.latencyMedianMs.toFixed(1)} ms | ` +
        (hint === 'LATENCY'
          ? `p50 ${(point.latencyMs.p50 - ceiling.latencyMedianMs).toFixed(1)} ms above benchmark_app's median`
          : `ratio ${(point.requestsPerSecond / ceiling.throughputFps).toFixed(3)}`),
    );
    console.log(
      `  CPU per request: ${threads.map((t) => `${t.name} ${perRequest(t.cpuSeconds)}`).join(', ')}, ` +
        `load generator ${perRequest((loadCpu.user + loadCpu.system) / 1e6)}`,
    );
    if (peer) {
      const peerPoint = await runLoad({ url: peer.url, upload, connections, seconds });
      console.log(
        `  ${peerName}: ${peerPoint.requestsPerSecond.toFixed(2)} req/s, p50 ${peerPoint.latencyMs.p50.toFixed(1)} ms, ` +
          `${peerPoint.non2xx} non-2xx, ${peerPoint.errors} errors | ` +
          `leukoserve / ${peerName} ${(point.requestsPerSecond / peerPoint.requestsPerSecond).toFixed(3)}`,
      );
    }
  }
  // Over the server's whole life (VmHWM): what a cap such as MAX_CONCURRENT_DECODES bounds.
  console.log(`peak RSS ${((await server.memory()).peakRssBytes / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await Promise.all([server.stop(), peer?.stop()]);
}
if (profileDir) {
  try {
    const main = summariseMainThread(await readCpuProfile(profileDir), window.fromUs, window.toUs, root, 25);
    const share = (ms: number) => `${((100 * ms) / main.sampledMs).toFixed(1)} %`.padStart(7);
    console.log(`main thread over the last round (self time, ${main.sampledMs.toFixed(0)} ms sampled):`);
    for (const o of main.byOrigin.slice(0, 12)) console.log(`  ${share(o.selfMs)}  ${o.origin}`);
    for (const f of main.topFunctions) console.log(`  ${share(f.selfMs)}  ${f.fn}  (${f.origin})`);
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}
