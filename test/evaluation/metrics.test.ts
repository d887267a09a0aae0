import t from 'tap';
import { binaryMetrics, confusionMatrix, type LabelledOutcome } from '../../src/evaluation/metrics.js';
import { wilson } from '../../src/evaluation/proportion.js';
import { aucDeLong } from '../../src/evaluation/roc.js';

// 6 ALL and 8 normal images; predicted ALL when the ALL score > 0.5; one tie across classes (0.3).
const POSITIVES = [0.9, 0.8, 0.7, 0.55, 0.4, 0.3];
const NEGATIVES = [0.6, 0.45, 0.35, 0.2, 0.1, 0.05, 0.52, 0.3];
const outcomes: LabelledOutcome[] = [
  ...POSITIVES.map((s) => ({ positive: true, predictedPositive: s > 0.5, positiveScore: s, confidence: Math.max(s, 1 - s) })),
  ...NEGATIVES.map((s) => ({ positive: false, predictedPositive: s > 0.5, positiveScore: s, confidence: Math.max(s, 1 - s) })),
];

t.test('Wilson intervals equal Newcombe (1998) Table I, method 3', async (t) => {
  // [k, n, low, high] as published, to 4 decimals.
  for (const [k, n, low, high] of [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.8830, 1],
  ] as const) {
    const e = wilson(k, n);
    t.equal(e.value, k / n);
    t.ok(Math.abs(e.low! - low) < 5e-5, `${k}/${n} low ${e.low} ~ ${low}`);
    t.ok(Math.abs(e.high! - high) < 5e-5, `${k}/${n} high ${e.high} ~ ${high}`);
  }
  t.same(wilson(0, 0), { value: null, low: null, high: null }, 'an empty denominator is undefined, not 0');
});

// Expected values from scikit-learn 1.9.1 (confusion_matrix, accuracy/recall/precision/f1_score,
// roc_auc_score, roc_curve with drop_intermediate=False) on these 14 images; the DeLong SE from an
// independent midrank implementation (Sun & Xu 2014) in numpy/scipy; ECE computed with numpy.
t.test('figures equal scikit-learn on a hand-made set of 14 images', async (t) => {
  const m = binaryMetrics(outcomes);
  t.same(m.confusion, { tp: 4, fn: 2, fp: 2, tn: 6 });
  t.same(confusionMatrix(outcomes), m.confusion);
  const close = (actual: number | null, expected: number, name: string) => t.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${name} ${actual} = ${expected}`);
  close(m.accuracy.value, 0.7142857142857143, 'accuracy');
  close(m.sensitivity.value, 0.6666666666666666, 'sensitivity');
  close(m.specificity.value, 0.75, 'specificity');
  close(m.ppv.value, 0.6666666666666666, 'PPV');
  close(m.npv.value, 0.75, 'NPV');
  close(m.prevalence.value, 6 / 14, 'prevalence');
  close(m.f1.value, 0.6666666666666666, 'F1');
  close(m.rocAuc.value, 0.8229166666666666, 'ROC AUC');
  const se = 0.11855926620544935;
  close(m.rocAuc.low, 0.8229166666666666 - 1.959963984540054 * se, 'AUC CI low (DeLong)');
  t.equal(m.rocAuc.high, 1, 'AUC CI high clipped to 1');
  close(m.calibration.ece, 0.1414285714285714, 'ECE (bin = floor(confidence * 10))');
  const fprTpr = m.roc.map((p) => [p.fpr, Math.round(p.tpr * 1e6) / 1e6]);
  t.same(fprTpr, [[0, 0], [0, 0.166667], [0, 0.333333], [0, 0.5], [0.125, 0.5], [0.125, 0.666667], [0.25, 0.666667], [0.375, 0.666667], [0.375, 0.833333], [0.5, 0.833333], [0.625, 1], [0.75, 1], [0.875, 1], [1, 1]]);
  t.same(m.roc.slice(1).map((p) => p.threshold), [0.9, 0.8, 0.7, 0.6, 0.55, 0.52, 0.45, 0.4, 0.35, 0.3, 0.2, 0.1, 0.05], "roc_curve's thresholds");
  t.ok(m.f1.low! <= m.f1.value! && m.f1.value! <= m.f1.high!, `F1 bootstrap interval ${m.f1.low}..${m.f1.high} holds the value`);
  t.same(binaryMetrics(outcomes).f1, m.f1, 'the bootstrap is seeded: the same images give the same interval');
});

t.test('small worked cases', async (t) => {
  t.same(aucDeLong({ positives: [0.9], negatives: [0.1, 0.2] }), { value: 1, low: null, high: null }, 'one positive: AUC, no interval');
  t.equal(aucDeLong({ positives: [0.5, 0.5], negatives: [0.5, 0.5] }).value, 0.5, 'all tied: 0.5');
  t.same(aucDeLong({ positives: [], negatives: [0.5] }).value, null, 'no positives: undefined');
  const m = binaryMetrics([]);
  t.equal(m.n, 0);
  t.equal(m.accuracy.value, null);
  t.equal(m.calibration.ece, null);
  t.same(m.roc, []);
});
