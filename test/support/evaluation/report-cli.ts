/**
 * For models/tests/test_evaluation_report.py: reads cases from stdin, `[{truth: (0|1)[], scores: number[]}]`
 * (truth 1 = ALL, score = the ALL probability), and prints the `metrics` of the evaluation report each
 * would get, as JSON: what scikit-learn is compared with.
 */
import { text } from 'node:stream/consumers';
import { evaluationReport } from '../../../src/evaluation/index.js';

interface Case {
  truth: (0 | 1)[];
  scores: number[];
}

const model = { name: 'm', version: '1', trained: true, created: '', source: { pb: 'm.pb', sha256: '0'.repeat(64) }, training: null };
const cases = JSON.parse(await text(process.stdin)) as Case[];
const reports = cases.map(({ truth, scores }) =>
  evaluationReport({
    folder: '.',
    model,
    labels: ['normal', 'ALL'],
    device: 'CPU',
    tta: 'off',
    images: scores.map((s, i) => ({
      file: `image-${String(i).padStart(4, '0')}`,
      truth: truth[i] === 1 ? 'ALL' : 'normal',
      label: s > 0.5 ? 'ALL' : 'normal',
      scores: { normal: 1 - s, ALL: s },
    })),
    failed: [],
    skipped: [],
    warnings: [],
  }).metrics,
);
process.stdout.write(JSON.stringify(reports));
