import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { evaluateFolder } from '../../src/commands/evaluate.js';
import type { EvaluationReport } from '../../src/evaluation/index.js';
import { openCpuClassifier } from '../support/cpu-classifier.js';
import { ROOT } from '../support/fixtures.js';

const IMAGES = path.join(ROOT, 'test/fixtures/images');
const classifier = await openCpuClassifier();
t.teardown(() => classifier.close());

t.test('evaluate test/fixtures/images: both reports, figures equal an independent count on the real CPU', async (t) => {
  const out = await mkdtemp(path.join(tmpdir(), 'leukoserve-eval-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  await evaluateFolder(classifier, { folder: IMAGES, out });
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as EvaluationReport;

  t.same(report.unlabelled, ['bccd/BloodImage_00004.jpg', 'bccd/BloodImage_00030.jpg', 'bccd/BloodImage_00055.jpg'], 'the BCCD smears carry no label: listed as unlabelled');
  t.same(report.skipped, ['ATTRIBUTION.md', 'bccd/LICENSE.MIT'], 'files that are not images are listed as skipped');
  t.same(report.failed, []);
  t.equal(report.images.length, 7, 'every image is classified, labelled or not');
  t.same(
    report.images.filter((i) => i.truth !== null).map((i) => [i.file, i.truth]),
    [['c-nmc/UID_1_2_2_all.bmp', 'ALL'], ['c-nmc/UID_1_3_1_all.bmp', 'ALL'], ['c-nmc/UID_h3_4_1_hem.bmp', 'normal'], ['c-nmc/UID_h3_5_1_hem.bmp', 'normal']],
  );
  for (const image of report.images) {
    const direct = await classifier.classify(await readFile(path.join(IMAGES, image.file)));
    t.same(image.scores, direct.scores, `${image.file}: the same scores as the Classifier gives`);
  }

  // An independent count from the per-image rows.
  const labelled = report.images.filter((i) => i.truth !== null);
  const count = (truth: string, label: string) => labelled.filter((i) => i.truth === truth && i.label === label).length;
  const [tp, fn, fp, tn] = [count('ALL', 'ALL'), count('ALL', 'normal'), count('normal', 'ALL'), count('normal', 'normal')];
  const m = report.metrics;
  t.same(m.confusion, { tp, fn, fp, tn });
  t.equal(m.accuracy.value, (tp + tn) / labelled.length);
  t.equal(m.sensitivity.value, tp + fn === 0 ? null : tp / (tp + fn));
  t.equal(m.specificity.value, tn + fp === 0 ? null : tn / (tn + fp));
  const positives = labelled.filter((i) => i.truth === 'ALL').map((i) => i.scores.ALL!);
  const negatives = labelled.filter((i) => i.truth === 'normal').map((i) => i.scores.ALL!);
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  t.equal(m.rocAuc.value, wins / (positives.length * negatives.length), 'ROC AUC = the share of (ALL, normal) pairs ranked right');
  t.same(report.misclassified, labelled.filter((i) => i.label !== i.truth).map((i) => i.file));
  t.equal(report.model.trained, false);

  const html = await readFile(path.join(out, 'report.html'), 'utf8');
  t.match(html, /id="untrained"/, 'the untrained banner is at the top');
  t.equal(html.match(/<svg/g)?.length, 2, 'the ROC curve and the reliability diagram, as SVG');
  t.equal(html.match(/<img src="data:image\/jpeg;base64,/g)?.length ?? 0, report.misclassified.length, 'a thumbnail per misclassified image');
  t.match(html, `TP ${tp}`);
  for (const file of report.unlabelled) t.match(html, file);
});

t.test('an image that does not decode is listed as failed, not dropped', async (t) => {
  const folder = await mkdtemp(path.join(tmpdir(), 'leukoserve-eval-in-'));
  const out = path.join(folder, 'out');
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await copyFile(path.join(ROOT, 'test/fixtures/bad-inputs/jpeg-soi-two-bytes.jpg'), path.join(folder, 'Im001_1.jpg'));
  const report = await evaluateFolder(classifier, { folder, out });
  t.same(report.failed.map((f) => [f.file, f.code]), [['Im001_1.jpg', 'UNSUPPORTED_IMAGE_FORMAT']]);
  t.equal(report.metrics.n, 0);
  t.match(await readFile(path.join(out, 'report.html'), 'utf8'), /Failed \(1\)[\s\S]*Im001_1\.jpg/);
});
