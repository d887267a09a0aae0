import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { ConfigError, formatOptionsHelp, loadConfig, serviceSettings } from '../config/index.js';
import {
  evaluationReport,
  IMAGE_EXTENSIONS,
  reportHtml,
  thumbnailDataUri,
  truthFromPath,
  type EvaluationReport,
  type ImageFailure,
  type ImageResult,
} from '../evaluation/index.js';
import { Classifier } from '../service/index.js';

export const EVALUATE_USAGE = `evaluate FOLDER options:
  --model <dir>                  same as --model-dir
  --out <dir>                    where report.json and report.html go (default: evaluation)
${formatOptionsHelp(['modelDir', 'devices', 'numRequests', 'tta', 'cacheDir', 'performanceHint', 'cpuPrecision'])}
  Labels come from ALL-IDB names (ImNNN_1 ALL, ImNNN_0 normal), C-NMC names (*_all, *_hem = normal)
  or a folder named after a label (ALL/, normal/); other images are classified and listed as unlabelled.
`;

/** Every file under `folder`, as paths relative to it, sorted. */
async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(folder, path.join(e.parentPath, e.name)))
    .sort();
}

function failure(file: string, error: unknown): ImageFailure {
  const code = (error as { code?: unknown }).code;
  return { file, code: typeof code === 'string' ? code : 'ERROR', message: (error as Error).message };
}

/** A terminal progress bar on stdout, only when stdout is a terminal. */
function progress(total: number): { tick: () => void; stop: () => void } {
  if (!process.stdout.isTTY) return { tick: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: 'evaluating [{bar}] {value}/{total} images, {eta}s left', stream: process.stdout, hideCursor: true });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

export interface EvaluateOptions {
  folder: string;
  out: string;
}

/** Classifies every image under the folder with `classifier`, and writes report.json and report.html to `out`. */
export async function evaluateFolder(classifier: Classifier, { folder, out }: EvaluateOptions): Promise<EvaluationReport> {
  const { labels } = classifier.model.manifest;
  const files = await listFiles(folder);
  const isImage = (f: string) => IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase());
  const imageFiles = files.filter(isImage);
  const images: ImageResult[] = [];
  const failed: ImageFailure[] = [];
  const bar = progress(imageFiles.length);
  // A few images in flight keep every infer request busy without reading the whole folder into memory.
  const slots = classifier.stats().numRequests + 1;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < imageFiles.length; i = next++) {
      const file = imageFiles[i]!;
      try {
        const prediction = await classifier.classify(await readFile(path.join(folder, file)), file);
        images.push({ file, truth: truthFromPath(file, labels), label: prediction.label, scores: prediction.scores });
      } catch (error) {
        failed.push(failure(file, error));
      }
      bar.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: slots }, worker));
  } finally {
    bar.stop();
  }
  const { name, version, trained, created, source, training } = classifier.model.manifest;
  const report = evaluationReport({
    folder,
    model: { name, version, trained, created, source, training },
    labels,
    device: classifier.device,
    tta: classifier.tta,
    images,
    failed,
    skipped: files.filter((f) => !isImage(f)),
    warnings: classifier.warnings(),
  });
  const thumbnails = new Map<string, string>();
  for (const file of report.misclassified) thumbnails.set(file, await thumbnailDataUri(await classifier.modelInput(await readFile(path.join(folder, file)))));
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(out, 'report.html'), await reportHtml(report, thumbnails));
  return report;
}

/** `leukoserve evaluate FOLDER`: 0 when the reports are written (even with failed images, which they list), 2 for bad usage. */
export async function evaluateCommand(argv: readonly string[], env: NodeJS.ProcessEnv, usage: string): Promise<number> {
  const commandLine = loadConfig(argv, env, { aliases: { model: 'modelDir' }, strings: ['out'], allowPositionals: true });
  if (commandLine.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (commandLine.positionals.length !== 1) throw new ConfigError(['evaluate needs one FOLDER of images']);
  const folder = commandLine.positionals[0]!;
  const out = commandLine.strings.out ?? 'evaluation';
  const classifier = await Classifier.open(serviceSettings(commandLine.config));
  try {
    for (const warning of classifier.warnings()) process.stderr.write(`WARNING: ${warning}\n`);
    const report = await evaluateFolder(classifier, { folder, out });
    const m = report.metrics;
    const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
    process.stdout.write(
      `${report.images.length} images (${m.n} labelled, ${report.unlabelled.length} unlabelled), ${report.failed.length} failed\n` +
        `accuracy ${f(m.accuracy.value)}, sensitivity ${f(m.sensitivity.value)}, specificity ${f(m.specificity.value)}, ROC AUC ${f(m.rocAuc.value)}\n` +
        `wrote ${path.join(out, 'report.json')} and ${path.join(out, 'report.html')}\n`,
    );
    for (const e of report.failed) process.stderr.write(`${e.file}: ${e.code}: ${e.message}\n`);
    return 0;
  } finally {
    await classifier.close();
  }
}
