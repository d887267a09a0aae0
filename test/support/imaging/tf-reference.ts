import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(import.meta.dirname, 'tf_reference.py');

/** TF-Slim eval preprocessing of one image, size x size x 3 float32 in [-1, 1]. */
export interface TfReference {
  /** models/leukotool/preprocessing.py as training runs it. */
  readonly reference: Float32Array;
  /** The same with JPEGs decoded by the accurate IDCT, as sharp decodes them. */
  readonly accurate: Float32Array;
}

/** Runs tf_reference.py once, in the project venv, for all `images`. */
export async function tfReference(images: readonly string[], size: number): Promise<TfReference[]> {
  const out = await mkdtemp(path.join(tmpdir(), 'leukoserve-tf-'));
  try {
    await promisify(execFile)(path.join(root, '.venv/bin/python'), [script, out, String(size), ...images], {
      env: { ...process.env, PYTHONPATH: path.join(root, 'models') },
      maxBuffer: 16 * 1024 * 1024,
    });
    const read = async (name: string) => {
      // A copy: a Float32Array view needs a 4-byte-aligned offset.
      return new Float32Array(new Uint8Array(await readFile(path.join(out, `${name}.f32`))).buffer);
    };
    const [reference, accurate] = [await read('reference'), await read('accurate')];
    const n = size * size * 3;
    return images.map((_, i) => ({
      reference: reference.subarray(i * n, (i + 1) * n),
      accurate: accurate.subarray(i * n, (i + 1) * n),
    }));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
