import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const IMAGES = path.join(ROOT, 'test/fixtures/images');
const cell = path.join(IMAGES, 'c-nmc/UID_1_2_2_all.bmp');
const field = path.join(IMAGES, 'bccd/BloodImage_00004.jpg');

// The installed command runs dist/: build it the way `npm run build` does, into a scratch copy
// inside the project (so node_modules resolve) with the project's .venv (where the runtime looks for
// libopenvino_c, relative to dist/), and run that copy's bin/leukoserve.js.
const scratch = t.testdir();
await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(scratch, 'dist')]);
await symlink(path.join(ROOT, '.venv'), path.join(scratch, '.venv'));
await symlink(path.join(ROOT, 'public'), path.join(scratch, 'public')); // the web page, beside dist/ as in the image
await mkdir(path.join(scratch, 'bin'));
const bin = path.join(scratch, 'bin/leukoserve.js');
await copyFile(path.join(ROOT, 'bin/leukoserve.js'), bin);

async function leukoserve(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

t.test('classify prints label and scores per image, and the untrained warning', async (t) => {
  const { code, stdout, stderr } = await leukoserve('classify', cell, field, '--model', 'models/default', '--device', 'CPU');
  t.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  t.match(lines[0], /^model leukoserve-inception-v3 \S+ on CPU$/);
  t.match(lines[1], /^UID_1_2_2_all\.bmp: (normal|ALL) [01]\.\d{4} {2}\(normal [01]\.\d{4}, ALL [01]\.\d{4}\) {2}decode [\d.]+ ms, infer [\d.]+ ms$/);
  t.match(lines[2], /^BloodImage_00004\.jpg: (normal|ALL) /);
  t.match(stderr, /^WARNING: model "leukoserve-inception-v3" .* UNTRAINED .*not a diagnosis/);
});

t.test('classify --json: the same shape as the HTTP response, plus per-file errors', async (t) => {
  const bogus = path.join(t.testdir({ 'notes.txt': 'not an image' }), 'notes.txt');
  const { code, stdout } = await leukoserve('classify', '--json', '--device', 'CPU', cell, bogus);
  t.equal(code, 1, 'one file failed');
  const doc = JSON.parse(stdout);
  t.equal(doc.device, 'CPU');
  t.equal(doc.model.trained, false);
  t.equal(doc.predictions.length, 1);
  const p = doc.predictions[0];
  t.equal(p.filename, 'UID_1_2_2_all.bmp');
  t.equal(p.score, Math.max(p.scores.normal, p.scores.ALL));
  t.ok(Math.abs(p.scores.normal + p.scores.ALL - 1) < 1e-4);
  t.same(doc.errors.map((e: { filename: string; code: string }) => [e.filename, e.code]), [[bogus, 'UNSUPPORTED_IMAGE_FORMAT']]);
  t.match(doc.warnings[0], /UNTRAINED/);
});

t.test('usage errors exit 2 with a message; --help lists commands and settings', async (t) => {
  const none = await leukoserve('classify', '--device', 'CPU');
  t.equal(none.code, 2);
  t.match(none.stderr, /classify needs at least one image file/);
  const unknown = await leukoserve('frobnicate');
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command "frobnicate"/);
  const bad = await leukoserve('serve', '--port', 'x');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /PORT \/ --port \(from --port\) = "x": expected a whole number/);
  const help = await leukoserve('--help');
  t.equal(help.code, 0);
  t.match(help.stdout, /classify <image\.\.\.>/);
  t.match(help.stdout, /--max-file-bytes <value>\s+MAX_FILE_BYTES\s+default 20971520/);
});

t.test('serve: listens, answers, and exits 0 on SIGTERM after draining', async (t) => {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--device', 'CPU'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const messages: string[] = [];
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as { msg: string; level: number };
    messages.push(entry.msg);
    const match = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(entry.msg);
    if (match) {
      url = match[1];
      break;
    }
  }
  t.ok(url, 'listening line logged');
  t.ok(messages.includes('OpenVINO runtime'), 'start-up logs the runtime');
  t.ok(messages.includes('model compiled on CPU'), 'and the chosen device');
  t.ok(messages.some((m) => m.startsWith('JPEG decoder for small images')), 'and the JPEG decoder');
  t.ok(messages.some((m) => /UNTRAINED/.test(m)), 'and warns loudly that the model is untrained');
  const ready = await fetch(`${url}/health/ready`);
  t.equal(ready.status, 200);
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});

t.test('serve with API_KEYS_FILE: SIGHUP re-reads the keys and does not stop the server; no key in the log', async (t) => {
  const [oldKey, newKey] = ['cli-old-key-0123456789abcdef', 'cli-new-key-0123456789abcdef'];
  const keysFile = path.join(t.testdir(), 'keys');
  await writeFile(keysFile, `${oldKey}\n`);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--device', 'CPU', '--api-keys-file', keysFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const logged = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = lines.map((l) => pattern.exec((JSON.parse(l) as { msg: string }).msg)).find((m) => m !== null);
      if (match) return match;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const url = (await logged(/^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/))[1]!;
  const status = async (key: string) => (await fetch(`${url}/model`, { headers: { authorization: `Bearer ${key}` } })).status;
  t.equal(await status(oldKey), 200);
  t.equal(await status(newKey), 401);

  await writeFile(keysFile, `${newKey}\n`);
  child.kill('SIGHUP');
  await logged(/^API keys reloaded: 1 valid$/);
  t.equal(await status(oldKey), 401, 'the old key is refused after the reload');
  t.equal(await status(newKey), 200, 'the new key is accepted');
  t.equal((await fetch(`${url}/health/ready`)).status, 200, 'still serving after SIGHUP');
  child.kill('SIGTERM');
  t.equal(await exited, 0);
  t.ok(lines.some((l) => l.includes('"msg":"access control"') && l.includes('"apiKeys":1')), 'start-up logs the access control');
  t.notOk(lines.some((l) => l.includes(oldKey) || l.includes(newKey)), 'no key in the log');
});
