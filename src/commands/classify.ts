import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, formatOptionsHelp, loadConfig, serviceSettings } from '../config/index.js';
import { Classifier, classifyResponse, type Prediction } from '../service/index.js';

export const CLASSIFY_USAGE = `classify options:
  --model <dir>                  same as --model-dir
  --json                         print one JSON document: {model, device, predictions, errors, warnings}
${formatOptionsHelp(['modelDir', 'devices', 'numRequests', 'maxPixels', 'cacheDir', 'performanceHint', 'cpuPrecision'])}
`;

interface FileError {
  filename: string;
  code: string;
  message: string;
}

function describeError(filename: string, error: unknown): FileError {
  const code = (error as { code?: unknown }).code;
  return { filename, code: typeof code === 'string' ? code : 'ERROR', message: (error as Error).message };
}

function formatPrediction(p: Prediction): string {
  const scores = Object.entries(p.scores)
    .map(([label, score]) => `${label} ${score.toFixed(4)}`)
    .join(', ');
  const t = p.timing_ms;
  return `${p.filename}: ${p.label} ${p.score.toFixed(4)}  (${scores})  decode ${t.decode.toFixed(1)} ms, infer ${t.infer.toFixed(1)} ms`;
}

/** `leukoserve classify <image...>`: 0 when every image was classified, 1 when one failed, 2 for bad usage. */
export async function classifyCommand(argv: readonly string[], env: NodeJS.ProcessEnv, usage: string): Promise<number> {
  const commandLine = loadConfig(argv, env, { booleans: ['json'], aliases: { model: 'modelDir' }, allowPositionals: true });
  if (commandLine.help) {
    process.stdout.write(usage);
    return 0;
  }
  const files = commandLine.positionals;
  if (files.length === 0) throw new ConfigError(['classify needs at least one image file']);
  const settings = serviceSettings(commandLine.config);
  // Every file is queued at once: the queue must hold them all.
  settings.inference.maxQueue = Math.max(settings.inference.maxQueue, files.length);
  const classifier = await Classifier.open(settings);
  try {
    const results = await Promise.allSettled(files.map(async (file) => classifier.classify(await readFile(file), path.basename(file))));
    const predictions: Prediction[] = [];
    const errors: FileError[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') predictions.push(result.value);
      else errors.push(describeError(files[i]!, result.reason));
    });
    const document = classifyResponse(classifier, predictions);
    if (commandLine.booleans.json) {
      process.stdout.write(`${JSON.stringify({ ...document, errors }, null, 2)}\n`);
    } else {
      for (const warning of document.warnings) process.stderr.write(`WARNING: ${warning}\n`);
      process.stdout.write(`model ${document.model.name} ${document.model.version} on ${document.device}\n`);
      for (const p of predictions) process.stdout.write(`${formatPrediction(p)}\n`);
      for (const e of errors) process.stderr.write(`${e.filename}: ${e.code}: ${e.message}\n`);
    }
    return errors.length === 0 ? 0 : 1;
  } finally {
    await classifier.close();
  }
}
