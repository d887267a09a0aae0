import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ManifestError } from './errors.js';

/**
 * manifest.json, written by the model toolchain (models/leukotool) beside the IR files.
 * It is the one description of a model that the service trusts: labels, input spec,
 * preprocessing and whether the weights were ever trained.
 */
const Metrics = z.object({
  accuracy: z.number(),
  sensitivity: z.number(),
  specificity: z.number(),
  auc: z.number(),
  samples: z.number().int().nonnegative(),
});

/** A folder of images a figure comes from: count and sha256 over its sorted file list (path + content hash each). */
const ImageSet = z.object({
  folder: z.string(),
  images: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Seeded augmented copies per image (flips, quarter turns, crops); null for the images as they are. */
  augmentations: z.object({ per_image: z.number().int().nonnegative(), seed: z.number().int(), kinds: z.string() }).nullable(),
  /** Inputs run: images x (1 + copies). */
  samples: z.number().int().positive(),
});

/** One faster precision against f32, on the CPU `agreement.cpu` describes; or why it could not be measured. */
const PrecisionAgreement = z.discriminatedUnion('measured', [
  z.object({
    measured: z.literal(true),
    ir: z.enum(['fp32', 'int8']),
    inference_precision: z.string(),
    /** Fraction of inputs whose label equals f32's. */
    label_agreement: z.number().min(0).max(1),
    max_abs_score_delta: z.number().nonnegative(),
    mean_abs_score_delta: z.number().nonnegative(),
  }),
  z.object({ measured: z.literal(false), reason: z.string() }),
]);

export const ManifestSchema = z.object({
  schema: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  /** False for the seeded default model: its output must never be presented as a diagnosis. */
  trained: z.boolean(),
  /** Class names in output-index order. */
  labels: z.array(z.string().min(1)).min(2),
  input: z.object({
    name: z.string().min(1),
    shape: z.array(z.number().int().positive()).length(4),
    layout: z.enum(['NHWC', 'NCHW']),
    element_type: z.enum(['f32', 'u8']),
  }),
  output: z.object({
    name: z.string().min(1),
    /** Whether the output needs a softmax before it can be read as probabilities. */
    kind: z.enum(['probabilities', 'logits']),
  }),
  preprocessing: z.object({
    /** TF-Slim inception_preprocessing, eval path. */
    kind: z.literal('inception'),
    central_fraction: z.number().gt(0).lte(1),
    resize: z.literal('bilinear'),
    range: z.tuple([z.number(), z.number()]),
  }),
  /** IR files relative to the manifest: FP32 for the CPU, FP16 for the stick, INT8 (optional) for CPU_PRECISION=int8. */
  ir: z.object({ fp32: z.string().min(1), fp16: z.string().min(1), int8: z.string().min(1).optional() }),
  /** How the INT8 IR was made (leukotool quantize); absent in manifests without one. */
  quantization: z.object({ tool: z.string(), method: z.string(), subset: z.number().int().positive(), calibration: ImageSet }).optional(),
  /** Each faster precision's scores against f32 (leukotool agreement): what CPU_PRECISION=auto goes by. */
  agreement: z
    .object({
      reference: z.literal('f32'),
      images: ImageSet,
      cpu: z.object({ model: z.string(), flags: z.array(z.string()), openvino: z.string(), capabilities: z.array(z.string()) }),
      precisions: z.object({ bf16: PrecisionAgreement.optional(), int8: PrecisionAgreement.optional() }),
    })
    .optional(),
  source: z.object({ pb: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  training: z
    .object({
      dataset: z.string(),
      epochs: z.number().int().nonnegative(),
      metrics: z.object({ train: Metrics.optional(), validation: Metrics }),
    })
    .nullable(),
  created: z.string(),
});

export type Manifest = z.infer<typeof ManifestSchema>;

export type IrKind = keyof Manifest['ir'];

/** A manifest plus the absolute paths it refers to. */
export interface LoadedManifest {
  readonly dir: string;
  readonly manifest: Manifest;
  irPath(kind: 'fp32' | 'fp16'): string;
  /** Undefined where the manifest lists no such IR (int8 is optional). */
  irPath(kind: IrKind): string | undefined;
}

export async function loadManifest(dir: string): Promise<LoadedManifest> {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new ManifestError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ManifestError(`invalid ${file}: ${problems.join('; ')}`);
  }
  const manifest = parsed.data;
  const absDir = path.resolve(dir);
  const irPath = (kind: IrKind) => (manifest.ir[kind] === undefined ? undefined : path.join(absDir, manifest.ir[kind]));
  return { dir: absDir, manifest, irPath: irPath as LoadedManifest['irPath'] };
}
