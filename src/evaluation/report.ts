import { binaryMetrics, INTERVAL_METHODS, type BinaryMetrics } from './metrics.js';
import { NEGATIVE_LABEL, POSITIVE_LABEL } from './truth.js';

/** One classified image. */
export interface ImageResult {
  /** Path under the evaluated folder. */
  file: string;
  /** The label its name or folder gives; null = unlabelled (classified, not counted in the metrics). */
  truth: string | null;
  label: string;
  scores: Record<string, number>;
}

/** An image that could not be classified: listed, never dropped. */
export interface ImageFailure {
  file: string;
  code: string;
  message: string;
}

/** Where the model comes from, as its manifest says. */
export interface ModelProvenance {
  name: string;
  version: string;
  trained: boolean;
  created: string;
  source: { pb: string; sha256: string };
  training: unknown;
}

/** report.json. */
export interface EvaluationReport {
  created: string;
  folder: string;
  model: ModelProvenance;
  device: string;
  tta: string;
  positiveLabel: string;
  negativeLabel: string;
  intervals: typeof INTERVAL_METHODS;
  /** Every image classified, labelled or not, in path order. */
  images: ImageResult[];
  unlabelled: string[];
  failed: ImageFailure[];
  /** Files under the folder that are not images by their extension. */
  skipped: string[];
  /** Over the labelled images only. */
  metrics: BinaryMetrics;
  misclassified: string[];
  warnings: string[];
}

export interface EvaluationInput {
  folder: string;
  model: ModelProvenance;
  labels: readonly string[];
  device: string;
  tta: string;
  images: ImageResult[];
  failed: ImageFailure[];
  skipped: string[];
  warnings: string[];
  created?: Date;
}

/** The labelled images' outcomes -> the metrics, and the lists around them. */
export function evaluationReport(input: EvaluationInput): EvaluationReport {
  if (!input.labels.includes(POSITIVE_LABEL) || !input.labels.includes(NEGATIVE_LABEL) || input.labels.length !== 2) {
    throw new RangeError(`evaluation needs a model with the labels ${NEGATIVE_LABEL} and ${POSITIVE_LABEL}; the manifest has ${input.labels.join(', ')}`);
  }
  const images = [...input.images].sort((a, b) => a.file.localeCompare(b.file));
  const labelled = images.filter((i) => i.truth !== null);
  const metrics = binaryMetrics(
    labelled.map((i) => ({
      positive: i.truth === POSITIVE_LABEL,
      predictedPositive: i.label === POSITIVE_LABEL,
      positiveScore: i.scores[POSITIVE_LABEL]!,
      confidence: i.scores[i.label]!,
    })),
  );
  return {
    created: (input.created ?? new Date()).toISOString(),
    folder: input.folder,
    model: input.model,
    device: input.device,
    tta: input.tta,
    positiveLabel: POSITIVE_LABEL,
    negativeLabel: NEGATIVE_LABEL,
    intervals: INTERVAL_METHODS,
    images,
    unlabelled: images.filter((i) => i.truth === null).map((i) => i.file),
    failed: [...input.failed].sort((a, b) => a.file.localeCompare(b.file)),
    skipped: [...input.skipped].sort(),
    metrics,
    misclassified: labelled.filter((i) => i.label !== i.truth).map((i) => i.file),
    warnings: input.warnings,
  };
}
