/** The inference layer's settings: the one place their types and defaults are stated. */

export const PERFORMANCE_HINTS = ['THROUGHPUT', 'LATENCY'] as const;
export type PerformanceHint = (typeof PERFORMANCE_HINTS)[number];

/**
 * f32 matches TensorFlow; bf16 (the FP32 IR, computed in bf16: CPUs with AVX512-BF16/AMX) and int8 (the
 * INT8 IR: fastest with VNNI/AMX) are faster and carry their measured agreement with f32 in the manifest;
 * auto takes the fastest the CPU supports whose agreement meets the auto bounds, else f32.
 */
export const CPU_PRECISIONS = ['f32', 'bf16', 'int8', 'auto'] as const;
export type CpuPrecision = (typeof CPU_PRECISIONS)[number];

export interface InferenceSettings {
  /** Priority list, e.g. ['MYRIAD', 'CPU']: the first the runtime lists AND that compiles the model wins. */
  devices: readonly string[];
  /** Parallel infer requests; undefined = the device's OPTIMAL_NUMBER_OF_INFER_REQUESTS (twice it on the CPU: pool.ts). */
  numRequests?: number | undefined;
  /** Inputs waiting for a free infer request; more are refused (QueueFullError). */
  maxQueue: number;
  /** Per input: queue wait + inference. */
  timeoutMs: number;
  /** OpenVINO's CACHE_DIR: compiled blobs are reused on the next start. */
  cacheDir?: string | undefined;
  performanceHint: PerformanceHint;
  /** The CPU's IR and INFERENCE_PRECISION_HINT (OpenVINO would otherwise pick bf16 where the CPU has it). */
  cpuPrecision: CpuPrecision;
  /** cpuPrecision=auto: a faster precision serves only if its recorded max |delta score| vs f32 is at most this... */
  autoMaxScoreDelta: number;
  /** ...and its recorded label agreement with f32 (a fraction) at least this. */
  autoMinLabelAgreement: number;
  /** How often a device above the serving one is looked for (a stick plugged in again); 0 = never. */
  failbackIntervalMs: number;
}

export const INFERENCE_DEFAULTS = {
  devices: ['MYRIAD', 'CPU'],
  maxQueue: 64,
  timeoutMs: 30_000,
  performanceHint: 'THROUGHPUT',
  cpuPrecision: 'f32',
  autoMaxScoreDelta: 0.01,
  autoMinLabelAgreement: 1,
  failbackIntervalMs: 10_000,
} as const satisfies Omit<InferenceSettings, 'numRequests' | 'cacheDir'>;

/** Failed inferences in a row (none succeeding between) after which a device is taken as lost. */
export const MAX_CONSECUTIVE_FAILURES = 3;

/** Every problem with `settings` at once; a backend refuses to open with any. */
export function settingsProblems(settings: InferenceSettings): string[] {
  const problems: string[] = [];
  if (settings.devices.length === 0) problems.push('devices is empty');
  if (settings.numRequests !== undefined && !(Number.isInteger(settings.numRequests) && settings.numRequests >= 1)) {
    problems.push(`numRequests must be an integer >= 1 (got ${settings.numRequests})`);
  }
  if (!(Number.isInteger(settings.maxQueue) && settings.maxQueue >= 0)) problems.push(`maxQueue must be an integer >= 0 (got ${settings.maxQueue})`);
  if (!(settings.timeoutMs > 0)) problems.push(`timeoutMs must be > 0 (got ${settings.timeoutMs})`);
  if (!(settings.autoMaxScoreDelta >= 0 && settings.autoMaxScoreDelta <= 1)) problems.push(`autoMaxScoreDelta must be in [0, 1] (got ${settings.autoMaxScoreDelta})`);
  if (!(settings.autoMinLabelAgreement >= 0 && settings.autoMinLabelAgreement <= 1)) problems.push(`autoMinLabelAgreement must be in [0, 1] (got ${settings.autoMinLabelAgreement})`);
  if (!(settings.failbackIntervalMs >= 0)) problems.push(`failbackIntervalMs must be >= 0 (got ${settings.failbackIntervalMs})`);
  return problems;
}
