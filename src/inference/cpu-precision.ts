import { existsSync } from 'node:fs';
import { InvalidSettingsError } from './errors.js';
import type { CpuPrecision } from './settings.js';

/** A precision the CPU can run: f32 and bf16 from the FP32 IR, int8 from the INT8 IR. */
export type ServedPrecision = Exclude<CpuPrecision, 'auto'>;
/** The precisions that may only serve where they agree with f32. */
export type FasterPrecision = Exclude<ServedPrecision, 'f32'>;

/** A faster precision's measured agreement with f32 (from the model's own records; the caller reads them). */
export interface PrecisionAgreement {
  /** Fraction of inputs whose label equals f32's. */
  labelAgreement: number;
  maxAbsScoreDelta: number;
}

/** What `auto` asks of a precision before it may serve instead of f32. */
export interface AgreementBounds {
  minLabelAgreement: number;
  maxScoreDelta: number;
}

/** A model's IR files (absolute paths; the INT8 one may not exist) and its measured agreement per precision. */
export interface ModelPrecisions {
  irs: { fp32: string; fp16: string; int8?: string | undefined };
  /** Absent where not measured (or not measurable on the CPU that measured). */
  agreement: Partial<Record<FasterPrecision, PrecisionAgreement>>;
}

/** What the CPU gets: which IR and which INFERENCE_PRECISION_HINT, and why. */
export interface CpuPrecisionChoice {
  precision: ServedPrecision;
  ir: 'fp32' | 'int8';
  /** INFERENCE_PRECISION_HINT: an INT8 IR runs its unquantized layers in f32. */
  hint: 'f32' | 'bf16';
  irPath: string;
  reason: string;
}

const HOW: Record<ServedPrecision, { ir: 'fp32' | 'int8'; hint: 'f32' | 'bf16'; capability: string | null }> = {
  f32: { ir: 'fp32', hint: 'f32', capability: null },
  bf16: { ir: 'fp32', hint: 'bf16', capability: 'BF16' },
  int8: { ir: 'int8', hint: 'f32', capability: 'INT8' },
};

/** Fastest first: what `auto` tries. */
const AUTO_ORDER: readonly FasterPrecision[] = ['int8', 'bf16'];

function choice(precision: ServedPrecision, irPath: string, reason: string): CpuPrecisionChoice {
  const { ir, hint } = HOW[precision];
  return { precision, ir, hint, irPath, reason };
}

function int8Ir(model: ModelPrecisions): string {
  const path = model.irs.int8;
  if (path === undefined) {
    throw new InvalidSettingsError(['CPU_PRECISION=int8 needs an INT8 IR (model-int8.xml) and the model lists none (manifest ir.int8): make one with `leukotool quantize`']);
  }
  if (!existsSync(path)) throw new InvalidSettingsError([`CPU_PRECISION=int8 needs the INT8 IR ${path}, which does not exist`]);
  return path;
}

/** Why `precision` may not serve under `auto`, or null when it may. */
function refusal(precision: FasterPrecision, capabilities: ReadonlySet<string>, model: ModelPrecisions, bounds: AgreementBounds): string | null {
  const { capability } = HOW[precision];
  if (capability !== null && !capabilities.has(capability)) return `the CPU lacks ${capability} (OPTIMIZATION_CAPABILITIES: ${[...capabilities].join(' ') || 'none'})`;
  if (precision === 'int8' && (model.irs.int8 === undefined || !existsSync(model.irs.int8))) return 'the model has no INT8 IR';
  const agreement = model.agreement[precision];
  if (agreement === undefined) return 'no agreement with f32 was measured';
  const { labelAgreement, maxAbsScoreDelta } = agreement;
  if (labelAgreement < bounds.minLabelAgreement) return `label agreement ${labelAgreement} < ${bounds.minLabelAgreement}`;
  if (maxAbsScoreDelta > bounds.maxScoreDelta) return `max |delta score| ${maxAbsScoreDelta} > ${bounds.maxScoreDelta}`;
  return null;
}

/**
 * The CPU's IR and precision hint for CPU_PRECISION. An explicit precision is served as asked (int8
 * without an INT8 IR is refused). `auto` takes the fastest precision the CPU has units for
 * (`capabilities`: the CPU device's OPTIMIZATION_CAPABILITIES) whose recorded agreement with f32 meets
 * `bounds`, else f32: a faster answer only where it stays the same answer.
 */
export function chooseCpuPrecision(requested: CpuPrecision, capabilities: readonly string[], model: ModelPrecisions, bounds: AgreementBounds): CpuPrecisionChoice {
  if (requested === 'int8') return choice('int8', int8Ir(model), 'CPU_PRECISION=int8');
  if (requested !== 'auto') return choice(requested, model.irs.fp32, `CPU_PRECISION=${requested}`);
  const have = new Set(capabilities);
  const refused: string[] = [];
  for (const precision of AUTO_ORDER) {
    const why = refusal(precision, have, model, bounds);
    if (why === null) {
      const { labelAgreement, maxAbsScoreDelta } = model.agreement[precision]!;
      const irPath = precision === 'int8' ? model.irs.int8! : model.irs.fp32;
      return choice(precision, irPath, `auto: ${[...refused, `${precision} agrees with f32 (labels ${labelAgreement}, max |delta score| ${maxAbsScoreDelta})`].join('; ')}`);
    }
    refused.push(`not ${precision}: ${why}`);
  }
  return choice('f32', model.irs.fp32, `auto: ${refused.join('; ')}`);
}
