import type { CeilingRun } from './ceiling.js';
import type { LoadPoint, TopPrediction } from './load.js';
import type { MachineInfo } from './machine.js';
import type { MemorySample } from './proc-status.js';
import type { StartupMilestone } from './server-process.js';
import type { ProfileSummary } from './profile.js';
import type { Upload } from './uploads.js';

/** Everything one run measured: written as bench/results/<date>.json and rendered as the Markdown table. */
export type UploadId = Upload['id'];

export interface ServerResult {
  readonly name: string;
  /** What the server says it compiled for (leukoserve's GET /devices), when it says. */
  readonly compiled?: { readonly device: string; readonly numRequests: number };
  /** Start to /health/ready 200. leukoserve is started twice: with an empty CACHE_DIR, then with the one that start filled. */
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
    /** The leak check: RSS after the first 100 requests and after `requests` (same upload, same concurrency). */
    readonly soak?: { readonly requests: number; readonly after100: MemorySample; readonly afterAll: MemorySample };
  };
}

export interface TargetResult {
  readonly name: string;
  readonly measured: string;
  readonly wanted: string;
  /** null: not measured in this run (e.g. a concurrency left out). */
  readonly pass: boolean | null;
}

export interface BenchResult {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly settings: {
    readonly seconds: number;
    readonly warmupSeconds: number;
    readonly ceilingSeconds: number;
    readonly concurrencies: readonly number[];
    readonly serverLogLevel: string;
    readonly model: string;
  };
  readonly machine: MachineInfo;
  readonly uploads: readonly { readonly id: UploadId; readonly description: string; readonly bytes: number }[];
  /**
   * At leukoserve's inference precision (f32: it sets INFERENCE_PRECISION_HINT), and for information
   * the throughput at the device's default precision, which leukoserve cannot use as it stands.
   */
  readonly ceiling: {
    readonly throughput: CeilingRun;
    readonly latency: CeilingRun;
    readonly throughputDefaultPrecision: CeilingRun;
    /** benchmark_app's throughput again after the HTTP runs: if it moved, the machine was not quiet. */
    readonly throughputAfter: CeilingRun;
    /**
     * The references the ratios use, each measured next to what it is compared with: the throughput
     * hint right before each upload's leukoserve series, the latency hint right before and right
     * after the single-client point. A shared VM can drift between speeds for minutes at a time
     * (benchmark_app's latency median at 52 or 58 ms), which a reference from the start would fold
     * into the ratios.
     */
    readonly beside: { readonly throughput: Readonly<Partial<Record<UploadId, CeilingRun>>>; readonly latency: readonly CeilingRun[] };
  };
  readonly leukoserve: ServerResult;
  readonly baseline: ServerResult;
  readonly targets: readonly TargetResult[];
  /** With --profile: one load window per profiled upload. */
  readonly profiles?: readonly ProfileSummary[];
}
