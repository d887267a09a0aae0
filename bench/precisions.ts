import type { LoadedManifest } from '../src/model/manifest.js';
import type { ServedPrecision } from '../src/inference/index.js';

/** The CPU precisions the bench compares, each against benchmark_app at the same precision. */
export const BENCH_PRECISIONS: readonly ServedPrecision[] = ['f32', 'bf16', 'int8'];

/**
 * What benchmark_app runs to compute what leukoserve's CPU_PRECISION computes: the same IR and the
 * same INFERENCE_PRECISION_HINT (src/inference/cpu-precision.ts; int8 = the INT8 IR, rest in f32).
 */
export function ceilingModel(model: LoadedManifest, precision: ServedPrecision): { xml: string; inferPrecision: 'f32' | 'bf16' } {
  if (precision !== 'int8') return { xml: model.irPath('fp32'), inferPrecision: precision };
  const xml = model.irPath('int8');
  if (xml === undefined) throw new Error(`${model.dir} has no INT8 IR: run leukotool quantize (npm run setup builds one for models/default)`);
  return { xml, inferPrecision: 'f32' };
}
