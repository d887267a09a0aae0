/** One confidence bin of the reliability diagram. */
export interface CalibrationBin {
  /** [low, high) of the predicted label's score; the last bin includes 1. */
  low: number;
  high: number;
  count: number;
  /** Mean predicted-label score in the bin (null when empty). */
  confidence: number | null;
  /** Fraction of the bin predicted right (null when empty). */
  accuracy: number | null;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Expected calibration error: sum over bins of count/n * |accuracy - confidence| (Guo et al. 2017). */
  ece: number | null;
}

/** The confidence (the predicted label's score) and whether the prediction was right, per labelled image. */
export interface ConfidenceOutcome {
  confidence: number;
  correct: boolean;
}

/** Bin b holds floor(confidence * bins) = b; 1 goes to the last bin. */
const binOf = (confidence: number, binCount: number) => Math.min(binCount - 1, Math.floor(confidence * binCount));

/** Equal-width bins over [0,1] of the top-label confidence. */
export function calibration(outcomes: readonly ConfidenceOutcome[], binCount = 10): Calibration {
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < binCount; b++) {
    const low = b / binCount;
    const high = (b + 1) / binCount;
    const inBin = outcomes.filter(({ confidence }) => binOf(confidence, binCount) === b);
    const count = inBin.length;
    const confidence = count === 0 ? null : inBin.reduce((a, o) => a + o.confidence, 0) / count;
    const accuracy = count === 0 ? null : inBin.filter((o) => o.correct).length / count;
    if (count > 0) ece += (count / outcomes.length) * Math.abs(accuracy! - confidence!);
    bins.push({ low, high, count, confidence, accuracy });
  }
  return { bins, ece: outcomes.length === 0 ? null : ece };
}
