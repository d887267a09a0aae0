import { stratifiedBootstrap, type BootstrapOptions, BOOTSTRAP_DEFAULTS } from './bootstrap.js';
import { calibration, type Calibration } from './calibration.js';
import { wilson, type Estimate } from './proportion.js';
import { aucDeLong, rocCurve, type RocPoint } from './roc.js';

/** One labelled image as the metrics see it. */
export interface LabelledOutcome {
  /** The truth is the positive class (ALL). */
  positive: boolean;
  /** The model predicted the positive class. */
  predictedPositive: boolean;
  /** The model's score for the positive class. */
  positiveScore: number;
  /** The score of the label the model predicted. */
  confidence: number;
}

export interface ConfusionMatrix {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export interface BinaryMetrics {
  n: number;
  confusion: ConfusionMatrix;
  accuracy: Estimate;
  sensitivity: Estimate;
  specificity: Estimate;
  ppv: Estimate;
  npv: Estimate;
  prevalence: Estimate;
  f1: Estimate;
  rocAuc: Estimate;
  roc: RocPoint[];
  calibration: Calibration;
}

/** How each interval is computed: stated in both reports. */
export const INTERVAL_METHODS = {
  proportions: 'Wilson score interval, 95 %',
  f1: `seeded stratified percentile bootstrap, 95 % (${BOOTSTRAP_DEFAULTS.resamples} resamples, seed ${BOOTSTRAP_DEFAULTS.seed})`,
  rocAuc: 'DeLong variance, AUC +- 1.96 SE clipped to [0,1] (needs two images of each class)',
  ece: 'expected calibration error over 10 equal-width bins of the predicted label\'s score',
} as const;

export function confusionMatrix(outcomes: readonly LabelledOutcome[]): ConfusionMatrix {
  const count = (positive: boolean, predicted: boolean) => outcomes.filter((o) => o.positive === positive && o.predictedPositive === predicted).length;
  return { tp: count(true, true), fn: count(true, false), fp: count(false, true), tn: count(false, false) };
}

function f1Of(positives: readonly LabelledOutcome[], negatives: readonly LabelledOutcome[]): number | null {
  const { tp, fn, fp } = confusionMatrix([...positives, ...negatives]);
  return 2 * tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn);
}

/** Every figure of the report, from the confusion matrix (proportions) and the scores (AUC, calibration). */
export function binaryMetrics(outcomes: readonly LabelledOutcome[], bootstrap: BootstrapOptions = BOOTSTRAP_DEFAULTS): BinaryMetrics {
  const confusion = confusionMatrix(outcomes);
  const { tp, fn, fp, tn } = confusion;
  const n = tp + fn + fp + tn;
  const positives = outcomes.filter((o) => o.positive);
  const negatives = outcomes.filter((o) => !o.positive);
  const scores = { positives: positives.map((o) => o.positiveScore), negatives: negatives.map((o) => o.positiveScore) };
  return {
    n,
    confusion,
    accuracy: wilson(tp + tn, n),
    sensitivity: wilson(tp, tp + fn),
    specificity: wilson(tn, tn + fp),
    ppv: wilson(tp, tp + fp),
    npv: wilson(tn, tn + fn),
    prevalence: wilson(tp + fn, n),
    f1: stratifiedBootstrap(positives, negatives, f1Of, bootstrap),
    rocAuc: aucDeLong(scores),
    roc: rocCurve(scores),
    calibration: calibration(outcomes.map((o) => ({ confidence: o.confidence, correct: o.positive === o.predictedPositive }))),
  };
}
