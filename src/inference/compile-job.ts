import type { PrePostProcessing } from './openvino/pre-post-processing.js';
import type { Pointer } from './openvino/sys/types.js';

/** What a compile worker needs: everything is plain data (a pointer is a BigInt address). */
export interface CompileJob {
  libraryPath: string;
  /** The main thread's ov_core_t: OpenVINO's core is thread-safe, and the worker only borrows it. */
  core: Pointer;
  modelPath: string;
  device: string;
  properties: Record<string, string>;
  prePostProcessing: PrePostProcessing;
}

/** The worker's answer: the compiled model's address, handed over with its ownership, or why it failed. */
export type CompileOutcome = { handle: Pointer } | { error: string };
