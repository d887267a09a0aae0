import { ConfigError } from '../config/index.js';
import { CLASSIFY_USAGE, classifyCommand } from './classify.js';
import { EVALUATE_USAGE, evaluateCommand } from './evaluate.js';
import { SERVE_USAGE, serveCommand } from './serve.js';

const USAGE = `Usage: leukoserve <command> [options]

Commands:
  serve                          start the HTTP service (see leukoserve serve --help)
  classify <image...>            classify image files and print label and scores
  evaluate <folder>              classify labelled images and write report.json and report.html

${CLASSIFY_USAGE}
${EVALUATE_USAGE}`;

/** The `leukoserve` command line (bin/leukoserve.js). Returns the exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, env);
      case 'classify':
        return await classifyCommand(rest, env, USAGE);
      case 'evaluate':
        return await evaluateCommand(rest, env, USAGE);
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
