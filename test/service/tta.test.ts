import t from 'tap';
import { flip, meanProbabilities, ttaVariants } from '../../src/service/tta.js';
import { Classifier } from '../../src/service/index.js';
import { cpuSettings, IMAGING, openCpuClassifier } from '../support/cpu-classifier.js';
import { fixture, MODEL_DIR } from '../support/fixtures.js';

// A 2x2 RGB image: pixel (x, y) has red = 10*y + x.
const IMAGE = Uint8Array.from([0, 0, 0, 1, 0, 0, 10, 0, 0, 11, 0, 0]);
const reds = (pixels: Uint8Array) => [pixels[0], pixels[3], pixels[6], pixels[9]];

t.test('flips of a 2x2 image', async (t) => {
  t.same(reds(flip(IMAGE, 2, 2, true, false)), [1, 0, 11, 10], 'horizontal');
  t.same(reds(flip(IMAGE, 2, 2, false, true)), [10, 11, 0, 1], 'vertical');
  t.same(reds(flip(IMAGE, 2, 2, true, true)), [11, 10, 1, 0], 'both = 180° rotation');
  t.equal(ttaVariants('off', IMAGE, 2, 2).length, 1);
  t.equal(ttaVariants('flips', IMAGE, 2, 2).length, 4);
});

t.test('the mean of probabilities (softmax first for logits)', async (t) => {
  const runs = [Float32Array.from([0.2, 0.8]), Float32Array.from([0.4, 0.6])].map((output, i) => ({ output, queueMs: i, inferMs: 10 }));
  const mean = meanProbabilities(runs, false);
  t.ok(Math.abs(mean.probabilities[0]! - 0.3) < 1e-7 && Math.abs(mean.probabilities[1]! - 0.7) < 1e-7);
  t.same([mean.queueMs, mean.inferMs], [1, 20]);
  const logits = meanProbabilities([{ output: Float32Array.from([0, 0]), queueMs: 0, inferMs: 0 }], true);
  t.same([...logits.probabilities], [0.5, 0.5]);
});

t.test('TTA=flips on the real CPU: 4 inferences per image, scores still sum to 1 and differ from one pass', async (t) => {
  const off = await openCpuClassifier();
  t.teardown(() => off.close());
  const flips = await Classifier.open({ modelDir: MODEL_DIR, imaging: IMAGING, inference: cpuSettings(), tta: 'flips' });
  t.teardown(() => flips.close());
  const { bytes } = fixture('all1');
  const before = flips.stats().completed;
  const [a, b] = [await off.classify(bytes), await flips.classify(bytes)];
  t.equal(flips.stats().completed - before, 4);
  t.equal(flips.tta, 'flips');
  t.ok(Math.abs(b.scores.ALL! + b.scores.normal! - 1) < 1e-6);
  t.not(a.scores.ALL, b.scores.ALL, 'the flipped passes change the mean');
});
