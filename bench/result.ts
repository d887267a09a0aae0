import type { CeilingRun } from './ceiling.js';
import type { LoadPoint, TopPrediction } from './load.js';
import type { MachineInfo } from './machine.js';
import type { MemorySample } from './proc-status.js';
import type { StartupMilestone } from './server-process.js';
import type { ProfileSummary } from './profile.js';
import type { Upload } from './uploads.js';
import type { ServedPrecision } from '../src/inference/index.js';
import type { Manifest } from '../src/model/manifest.js';

/** Everything one run measured: written as bench/results/<date>.json and rendered as the Markdown table. */
export type UploadId = Upload['id'];

export interface ServerResult {
  readonly name: string;
  /** What the server says it compiled (leukoserve's GET /devices), when it says: `served` is its CPU_PRECISION at work. */
  readonly compiled?: { readonly device: string; readonly numRequests: number; readonly served?: string };
  /** Start to /health/ready 200. The first leukoserve is also started with an empty CACHE_DIR, then with the one that start filled. */
  readonly readyMs: { readonly cold: number; readonly warm?: number };
  /** What leukoserve logged (at info) on the way to ready, for the cold and the warm start. */
  readonly startup?: { readonly cold: readonly StartupMilestone[]; readonly warm: readonly StartupMilestone[] };
  readonly top: Readonly<Partial<Record<UploadId, TopPrediction>>>;
  readonly points: Readonly<Partial<Record<UploadId, readonly LoadPoint[]>>>;
  /** leukoserve started with PERFORMANCE_HINT=LATENCY, one client, the 299x299 JPEG: like benchmark_app -hint latency. */
  readonly latencyHint?: LoadPoint;
  readonly memory: {
    readonly idle: MemorySample;
    /** After the last load point; its peakRssBytes is the peak of the whole life of the process. */
    readonly end: MemorySample;
    /** The leak check: RSS after 100, after `warmUp` and after `requests` in all (same upload, same concurrency). */
    readonly soak?: {
      readonly requests: number;
      readonly after100: MemorySample;
      readonly warmUp: number;
      readonly afterWarmUp: MemorySample;
      readonly afterAll: MemorySample;
    };
  };
}

export interface TargetResult {
  readonly name: string;
  readonly measured: string;
  readonly wanted: string;
  /** null: not measured in this run (e.g. a concurrency left out). */
  readonly pass: boolean | null;
}

/** One precision's series: leukoserve and the threaded Python peer, both at it, and benchmark_app at it. */
export interface PrecisionRun {
  readonly precision: ServedPrecision;
  /**
   * benchmark_app at this precision (the IR and INFERENCE_PRECISION_HINT that CPU_PRECISION serves),
   * throughput hint, measured right before each upload's leukoserve series: the ceiling its ratios use.
   * A shared VM can drift between speeds for minutes at a time, which a reference from the start
   * would fold into the ratios.
   */
  readonly ceiling: Readonly<Partial<Record<UploadId, CeilingRun>>>;
  readonly leukoserve: ServerResult;
  /** bench/baselines/threaded_server.py at the same precision: the strongest short Python server. */
  readonly peer: ServerResult;
}

export interface BenchResult {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly settings: {
    readonly seconds: number;
    readonly warmupSeconds: number;
    readonly ceilingSeconds: number;
    readonly concurrencies: readonly number[];
    readonly precisions: readonly ServedPrecision[];
    readonly serverLogLevel: string;
    readonly model: string;
  };
  readonly machine: MachineInfo;
  readonly uploads: readonly { readonly id: UploadId; readonly description: string; readonly bytes: number }[];
  /** Each faster precision's agreement with f32 as the model's manifest records it (leukotool agreement). */
  readonly agreement?: Manifest['agreement'];
  /** benchmark_app at the first precision (f32 by default), beyond the per-series references. */
  readonly ceiling: {
    readonly throughput: CeilingRun;
    /** The same again after all HTTP runs: if it moved, the machine was not quiet. */
    readonly throughputAfter: CeilingRun;
    /** The latency hint right before and right after leukoserve's single-client point (their mean is its reference). */
    readonly latency: readonly CeilingRun[];
  };
  /**
   * In the order run. The first series' leukoserve also carries the cold and warm starts, the
   * single-client point with PERFORMANCE_HINT=LATENCY; the soak runs in the fastest series (int8).
   */
  readonly precisions: readonly PrecisionRun[];
  /** The Flask baseline, at the first precision. */
  readonly baseline: ServerResult;
  readonly targets: readonly TargetResult[];
  /** With --profile: one load window per profiled upload, at the first precision. */
  readonly profiles?: readonly ProfileSummary[];
}
