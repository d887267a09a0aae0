import path from 'node:path';
import { freePort, type ServerSpec } from './server-process.js';
import { INFERENCE_DEFAULTS, type CpuPrecision, type PerformanceHint } from '../src/inference/settings.js';
import type { ServedPrecision } from '../src/inference/index.js';

/** Paths the bench needs, all under the repository root. */
export interface BenchPaths {
  readonly root: string;
  readonly python: string;
  readonly benchmarkApp: string;
}

export function benchPaths(root: string): BenchPaths {
  return { root, python: path.join(root, '.venv', 'bin', 'python'), benchmarkApp: path.join(root, '.venv', 'bin', 'benchmark_app') };
}

const READY_TIMEOUT_MS = 180_000;

/** Only what a server needs from the bench's environment, so a stray PORT or DEVICE cannot change a run. */
function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return Object.fromEntries(Object.entries({ PATH, HOME, LANG, TMPDIR }).filter(([, v]) => v !== undefined));
}

/** leukoserve as `npm start` runs it (node dist/main.js), on the CPU. */
export async function leukoserveSpec(
  paths: BenchPaths,
  options: { modelDir: string; cacheDir: string; logLevel: string; nodeArgs?: readonly string[]; performanceHint?: PerformanceHint; cpuPrecision?: CpuPrecision },
): Promise<ServerSpec> {
  const port = await freePort();
  return {
    name: 'leukoserve',
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), path.join(paths.root, 'dist', 'main.js')],
    env: {
      ...baseEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      MODEL_DIR: options.modelDir,
      DEVICE: 'CPU',
      CACHE_DIR: options.cacheDir,
      LOG_LEVEL: options.logLevel,
      // Stated, not inherited from the service's defaults: a bench result names what it measured.
      PERFORMANCE_HINT: options.performanceHint ?? INFERENCE_DEFAULTS.performanceHint,
      CPU_PRECISION: options.cpuPrecision ?? INFERENCE_DEFAULTS.cpuPrecision,
    },
    port,
    readyTimeoutMs: READY_TIMEOUT_MS,
  };
}

/** The bench's Python servers (bench/baselines/), each run with the venv's Python on the CPU. */
export const PYTHON_PEERS = {
  /** Flask + the OpenVINO Python API + Pillow, one synchronous inference per request: what users would otherwise write. */
  'flask-baseline': 'flask_server.py',
  /** Plain WSGI on waitress threads, THROUGHPUT hint, one infer request per thread: the strongest short one. */
  'threaded-peer': 'threaded_server.py',
} as const;
export type PythonPeer = keyof typeof PYTHON_PEERS;

export async function pythonPeerSpec(paths: BenchPaths, peer: PythonPeer, modelDir: string, precision?: ServedPrecision): Promise<ServerSpec> {
  const port = await freePort();
  const script = path.join(paths.root, 'bench', 'baselines', PYTHON_PEERS[peer]);
  return {
    name: peer,
    command: paths.python,
    args: [script, '--model-dir', modelDir, '--port', String(port), '--device', 'CPU', ...(precision ? ['--precision', precision] : [])],
    env: baseEnv(),
    port,
    readyTimeoutMs: READY_TIMEOUT_MS,
  };
}
