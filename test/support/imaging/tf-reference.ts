import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(import.meta.dirname, 'tf_reference.py');

/**
 * TF-Slim eval preprocessing (models/leukotool/preprocessing.py, as training runs it) of each of
 * `images`: size x size x 3 float32 in [-1, 1]. Runs tf_reference.py once, in the project venv.
 */
export async function tfReference(images: readonly string[], size: number): Promise<Float32Array[]> {
  const out = await mkdtemp(path.join(tmpdir(), 'leukoserve-tf-'));
  try {
    await promisify(execFile)(path.join(root, '.venv/bin/python'), [script, out, String(size), ...images], {
      env: { ...process.env, PYTHONPATH: path.join(root, 'models') },
      maxBuffer: 16 * 1024 * 1024,
    });
    // A copy: a Float32Array view needs a 4-byte-aligned offset.
    const all = new Float32Array(new Uint8Array(await readFile(path.join(out, 'reference.f32'))).buffer);
    const n = size * size * 3;
    return images.map((_, i) => all.subarray(i * n, (i + 1) * n));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
