import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { MODEL_DIR, ROOT } from '../support/fixtures.js';

// The real service (src/main.ts, as `node dist/main.js` runs it) with its stdout piped to this test.
async function startService(t: Test) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DEVICE: 'CPU', MODEL_DIR, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let url: string | undefined;
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    url = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
    if (url) break;
  }
  // Leaving the loop does not close the reader: stop it, so nothing more is read from the pipe.
  lines.close();
  child.stdout.pause();
  if (!url) throw new Error(`the service did not start: ${stderr}`);
  return { child, url, exited, stderr: () => stderr };
}

/** Resolves with the exit code, or 'hung' when the process is still there after `ms`. */
async function exitWithin(exited: Promise<[number | null, NodeJS.Signals | null]>, ms: number) {
  const timer = sleep(ms, 'hung' as const, { ref: false });
  return Promise.race([exited.then(([code]) => code), timer]);
}

async function answersLive(url: string, query = '') {
  const response = await fetch(`${url}/health/live${query}`);
  return response.status;
}

t.test('stdout reader gone: the service keeps answering and exits 0 on SIGTERM', async (t) => {
  const { child, url, exited, stderr } = await startService(t);
  child.stdout.destroy();
  for (let i = 0; i < 5; i++) t.equal(await answersLive(url), 200, 'answers with its log reader gone');
  child.kill('SIGTERM');
  t.equal(await exitWithin(exited, 5000), 0, 'exits 0 within 5 s');
  t.equal(stderr().match(/the log reader closed stdout \(EPIPE\)/g)?.length, 1, 'says once, on stderr, that the log is gone');
});

t.test('stdout reader stalled, then gone during shutdown: the service keeps answering and exits on SIGTERM', async (t) => {
  const { child, url, exited } = await startService(t);
  // Each request logs its 8 KB URL: far more than a pipe holds while nobody reads it.
  const pad = `?pad=${'x'.repeat(8000)}`;
  const statuses = new Set<number>();
  for (let i = 0; i < 100; i++) statuses.add(await answersLive(url, pad));
  t.same([...statuses], [200], 'answers while its log reader stalls');
  // SIGTERM with log lines still queued, and the reader goes away after it: the exit must not wait for it.
  child.kill('SIGTERM');
  await sleep(500);
  child.stdout.destroy();
  t.equal(await exitWithin(exited, 5000), 0, 'exits 0 within 5 s of SIGTERM');
});
