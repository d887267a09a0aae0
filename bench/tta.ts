/**
 * `npm run bench:tta`: what TTA=flips costs and changes on the fixture images, on the real CPU: wall
 * time per image (one image at a time) and the ALL score with and without the flips.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, serviceSettings } from '../src/config/index.js';
import { Classifier, type TtaMode } from '../src/service/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const IMAGES = path.join(ROOT, 'test/fixtures/images');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const files = readdirSync(IMAGES, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(bmp|jpe?g|png)$/i.test(f))
  .sort();

async function measure(tta: TtaMode): Promise<{ msPerImage: number; scores: Map<string, Record<string, number>> }> {
  const { config } = loadConfig([], { DEVICE: 'CPU', ...process.env, TTA: tta });
  const classifier = await Classifier.open(serviceSettings(config));
  try {
    const scores = new Map<string, Record<string, number>>();
    for (const file of files) scores.set(file, (await classifier.classify(readFileSync(path.join(IMAGES, file)))).scores); // warm-up
    const started = performance.now();
    for (let r = 0; r < ROUNDS; r++) for (const file of files) await classifier.classify(readFileSync(path.join(IMAGES, file)));
    return { msPerImage: (performance.now() - started) / (ROUNDS * files.length), scores };
  } finally {
    await classifier.close();
  }
}

const off = await measure('off');
const flips = await measure('flips');
const rows = files.map((f) => {
  const a = off.scores.get(f)!;
  const b = flips.scores.get(f)!;
  const label = (s: Record<string, number>) => Object.entries(s).sort((x, y) => y[1] - x[1])[0]![0];
  return { file: f, allOff: a.ALL!, allFlips: b.ALL!, delta: b.ALL! - a.ALL!, labelOff: label(a), labelFlips: label(b) };
});
const maxDelta = Math.max(...rows.map((r) => Math.abs(r.delta)));
const result = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), rounds: ROUNDS, msPerImage: { off: off.msPerImage, flips: flips.msPerImage }, maxAbsDelta: maxDelta, rows };
const report = [
  `# TTA=flips on the fixtures (${new Date().toISOString()})`,
  '',
  `CPU: ${result.cpu} (${result.cores} cores); one image at a time, ${ROUNDS} rounds of ${files.length} images.`,
  '',
  `Time per image: off ${off.msPerImage.toFixed(0)} ms, flips ${flips.msPerImage.toFixed(0)} ms (${(flips.msPerImage / off.msPerImage).toFixed(2)}x; 4 inferences instead of 1, run in parallel on the pool).`,
  '',
  '| image | ALL score, off | ALL score, flips | change | label off → flips |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.file} | ${r.allOff.toFixed(4)} | ${r.allFlips.toFixed(4)} | ${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(4)} | ${r.labelOff} → ${r.labelFlips} |`),
  '',
  `Largest change of a score: ${maxDelta.toFixed(4)}.`,
  '',
].join('\n');
process.stdout.write(report);
writeFileSync(path.join(ROOT, 'bench/results/tta.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(path.join(ROOT, 'bench/results/tta.md'), report);
