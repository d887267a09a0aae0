import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, formatOptionsHelp, loadConfig, type Config } from './config/index.js';
import { SERVE_USAGE, serveCommand } from './http/serve-command.js';
import { Classifier, type Prediction } from './service/classifier.js';
import { classifierOptions } from './service/classifier-options.js';

const USAGE = `Usage: leukoserve <command> [options]

Commands:
  serve                          start the HTTP service (see leukoserve serve --help)
  classify <image...>            classify image files and print label and scores

classify options:
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

async function classifyFiles(config: Config, files: string[]): Promise<{ classifier: Classifier; results: PromiseSettledResult<Prediction>[] }> {
  const classifier = await Classifier.open({
    ...classifierOptions(config),
    // Every file is queued at once: the queue must hold them all.
    maxQueue: Math.max(config.maxQueue, files.length),
  });
  const results = await Promise.allSettled(files.map(async (file) => classifier.classify(await readFile(file), path.basename(file))));
  return { classifier, results };
}

/** `leukoserve classify <image...>`: 0 when every image was classified, 1 when one failed, 2 for bad usage. */
async function classifyCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const commandLine = loadConfig(argv, env, { booleans: ['json'], aliases: { model: 'modelDir' }, allowPositionals: true });
  if (commandLine.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const files = commandLine.positionals;
  if (files.length === 0) throw new ConfigError(['classify needs at least one image file']);

  const { classifier, results } = await classifyFiles(commandLine.config, files);
  try {
    const predictions: Prediction[] = [];
    const errors: FileError[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') predictions.push(result.value);
      else errors.push(describeError(files[i]!, result.reason));
    });
    if (commandLine.booleans.json) {
      const document = { model: classifier.summary, device: classifier.device, predictions, errors, warnings: classifier.warnings };
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      for (const warning of classifier.warnings) process.stderr.write(`WARNING: ${warning}\n`);
      process.stdout.write(`model ${classifier.summary.name} ${classifier.summary.version} on ${classifier.device}\n`);
      for (const p of predictions) process.stdout.write(`${formatPrediction(p)}\n`);
      for (const e of errors) process.stderr.write(`${e.filename}: ${e.code}: ${e.message}\n`);
    }
    return errors.length === 0 ? 0 : 1;
  } finally {
    await classifier.close();
  }
}

/** The `leukoserve` command line (bin/leukoserve.js). Returns the exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, env);
      case 'classify':
        return await classifyCommand(rest, env);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n${SERVE_USAGE}`);
        return 0;
      default:
        process.stderr.write(`leukoserve: ${command === undefined ? 'missing command' : `unknown command "${command}"`}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`leukoserve: ${error.message}\n`);
      return 2;
    }
    const code = (error as { code?: unknown }).code;
    process.stderr.write(`leukoserve: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}\n`);
    return 1;
  }
}
