import path from 'node:path';
import { freePort, type ServerSpec } from './server-process.js';
import { INFERENCE_DEFAULTS, type CpuPrecision, type PerformanceHint } from '../src/inference/settings.js';

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

/** The Flask + OpenVINO Python baseline (bench/baselines/flask_server.py). */
export async function baselineSpec(paths: BenchPaths, modelDir: string, precision?: CpuPrecision): Promise<ServerSpec> {
  const port = await freePort();
  const script = path.join(paths.root, 'bench', 'baselines', 'flask_server.py');
  return {
    name: 'flask-baseline',
    command: paths.python,
    args: [script, '--model-dir', modelDir, '--port', String(port), '--device', 'CPU', ...(precision ? ['--precision', precision] : [])],
    env: baseEnv(),
    port,
    readyTimeoutMs: READY_TIMEOUT_MS,
  };
}
