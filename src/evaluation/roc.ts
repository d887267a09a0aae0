import { UNDEFINED_ESTIMATE, Z95, type Estimate } from './proportion.js';

/** One point of the ROC curve: predicting positive when the score is >= threshold. */
export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

/** Scores of the truly positive and the truly negative images. */
export interface ScoredClasses {
  positives: readonly number[];
  negatives: readonly number[];
}

/** Every distinct score as a threshold, highest first, from (0,0) to (1,1) (scikit-learn's roc_curve, drop_intermediate=False). */
export function rocCurve({ positives, negatives }: ScoredClasses): RocPoint[] {
  if (positives.length === 0 || negatives.length === 0) return [];
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  for (const threshold of thresholds) {
    points.push({
      threshold,
      fpr: negatives.filter((s) => s >= threshold).length / negatives.length,
      tpr: positives.filter((s) => s >= threshold).length / positives.length,
    });
  }
  return points;
}

/** Heaviside of the score difference, ties counted half: the Mann-Whitney kernel. */
const kernel = (positive: number, negative: number) => (positive > negative ? 1 : positive === negative ? 0.5 : 0);

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * ROC AUC (the Mann-Whitney statistic) with DeLong, DeLong & Clarke-Pearson's (1988) variance from
 * the structural components; the interval is AUC +- z*SE clipped to [0,1]. The interval needs at
 * least two images of each class; the AUC needs one.
 */
export function aucDeLong({ positives, negatives }: ScoredClasses, z = Z95): Estimate {
  const m = positives.length;
  const n = negatives.length;
  if (m === 0 || n === 0) return UNDEFINED_ESTIMATE;
  const v10 = positives.map((x) => mean(negatives.map((y) => kernel(x, y))));
  const v01 = negatives.map((y) => mean(positives.map((x) => kernel(x, y))));
  const auc = mean(v10);
  if (m < 2 || n < 2) return { value: auc, low: null, high: null };
  const se = Math.sqrt(sampleVariance(v10) / m + sampleVariance(v01) / n);
  return { value: auc, low: Math.max(0, auc - z * se), high: Math.min(1, auc + z * se) };
}
