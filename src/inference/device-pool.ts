import type { BackendStats, DeviceFallback, ExecutionPrecision, InferResult } from './backend.js';
import type { PortInfo } from './openvino/port.js';

/** One compiled model on one device with its infer requests: what the backend switches between. */
export interface DevicePool {
  readonly device: string;
  readonly compiledAt: Date;
  readonly numRequests: number;
  readonly input: PortInfo;
  readonly output: PortInfo;
  /** Devices of the priority list tried before this one, with the reason each was skipped. */
  readonly fallbacks: readonly DeviceFallback[];
  readonly precision: ExecutionPrecision;
  readonly accepting: boolean;
  /** Resolves with the reason once the device is taken as lost; stays pending when merely closed. */
  readonly deviceLost: Promise<string>;
  run(input: Uint8Array | Float32Array): Promise<InferResult>;
  stats(): BackendStats;
  /** Stops accepting, finishes queued and running work, frees the native objects. Idempotent. */
  close(): Promise<void>;
}

/** Where a backend gets its devices: the runtime's list, and the model compiled on the first that works. */
export interface DeviceSource {
  readonly runtime: { version: string; description: string; library: string };
  /** Every device the runtime lists, with its full name. */
  availableDevices(): { name: string; fullName: string }[];
  /** Whether a priority-list entry could be opened now ('MYRIAD' matches any listed stick). */
  isAvailable(device: string): boolean;
  /** Compiles on the first device of `devices` that is available and compiles (off the event loop). */
  open(devices: readonly string[]): Promise<DevicePool>;
  /** Frees the runtime; every pool must be closed first. */
  dispose(): void;
}
