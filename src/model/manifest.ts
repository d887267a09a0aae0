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
  /** IR files relative to the manifest: FP32 for the CPU, FP16 for the stick. */
  ir: z.object({ fp32: z.string().min(1), fp16: z.string().min(1) }),
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

/** A manifest plus the absolute paths it refers to. */
export interface LoadedManifest {
  readonly dir: string;
  readonly manifest: Manifest;
  irPath(precision: 'fp32' | 'fp16'): string;
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
  return { dir: absDir, manifest, irPath: (precision) => path.join(absDir, manifest.ir[precision]) };
}
