import type { PortInfo } from './openvino/port.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One inference: output 0 as f32 (a copy the caller owns) and where the time went. */
export interface InferResult {
  output: Float32Array;
  queueMs: number;
  inferMs: number;
}

export interface BackendStats {
  queued: number;
  active: number;
  completed: number;
  failed: number;
  rejected: number;
  timedOut: number;
  numRequests: number;
  maxQueue: number;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** A device skipped while compiling, and why. */
export interface DeviceFallback {
  device: string;
  reason: string;
}

/** The model moved between devices while serving: away from a lost one, or back to a preferred one. */
export interface DeviceSwitch {
  kind: 'failover' | 'failback';
  /** The device the model left (failover: the one lost). */
  device: string;
  reason: string;
  at: string;
  /** The device the model was compiled on next; null while compiling, or when no device could take it. */
  to: string | null;
}

/** What the device computes in, read back from the compiled model (null where the device does not say). */
export interface ExecutionPrecision {
  /** The INFERENCE_PRECISION_HINT set (on the CPU only). */
  requested: string | null;
  actual: string | null;
  executionMode: string | null;
  /** What serves, in one word: f32, bf16, int8 (the INT8 IR) or f16 (the stick's FP16 IR). */
  served: string;
  /** The IR file compiled. */
  ir: string;
  /** Why the CPU got this precision (CPU_PRECISION, or what auto weighed); null on other devices. */
  reason: string | null;
}

export interface CompiledReport {
  device: string;
  since: string;
  numRequests: number;
  fallbacks: readonly DeviceFallback[];
  precision: ExecutionPrecision;
}

export interface BackendReport {
  runtime: { version: string; description: string; library: string };
  /** Every device the runtime lists, with its full name. */
  available: { name: string; fullName: string }[];
  /** The model compiled last: still the lost one when no device could take the model after it. */
  compiled: CompiledReport;
  switches: readonly DeviceSwitch[];
}

/**
 * What the service needs from an inference engine: the model's input and output, a `run` per
 * input, readiness and a report. Which device runs the model, losing it and getting it back are
 * the backend's own business (as onnxruntime's backend.ts hides its execution providers).
 */
export interface InferenceBackend {
  readonly input: PortInfo;
  readonly output: PortInfo;
  /** The device serving now (the last one, when none is). */
  readonly device: string;
  /** What the serving device computes in and from which IR (the last one, when none is). */
  readonly precision: ExecutionPrecision;
  readiness(): Readiness;
  /** Queues one input; it must fit `input` (type and size). */
  run(input: Uint8Array | Float32Array): Promise<InferResult>;
  stats(): BackendStats;
  report(): BackendReport;
  /** Said in every response: e.g. that the device computes in a lower precision than asked. */
  warnings(): string[];
  /** Refuses new work, finishes what was accepted, frees every native object. Idempotent. */
  close(): Promise<void>;
}
