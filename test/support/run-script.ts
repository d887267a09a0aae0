import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './fixtures.js';

export interface ScriptRun {
  code: number | null;
  log: string;
  /** The lines tagged `[tag]` when it passed, else the log's tail: what a reader needs in tap's output. */
  summary: string;
}

/** Runs one of scripts/*.sh from the repository root, stdout and stderr interleaved into one log. */
export async function runScript(script: string, tag: RegExp): Promise<ScriptRun> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts', script)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const log = output.join('');
  const summary = code === 0 ? log.split('\n').filter((line) => tag.test(line)).join('\n') : log.slice(-20_000);
  return { code, log, summary };
}
