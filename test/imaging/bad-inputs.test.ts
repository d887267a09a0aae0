import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { IMAGING_ERROR_CODES, ImageDecoder, ImageError } from '../../src/imaging/index.js';

// The committed corpus (test/support/imaging/make-bad-inputs.ts writes it): each file must be
// refused with its manifest code. The HTTP layer can run the same manifest through the app.
interface Manifest {
  maxPixels: number;
  inputs: { file: string; code: string; description: string }[];
}

const dir = path.resolve(import.meta.dirname, '../fixtures/bad-inputs');
const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
const decoder = new ImageDecoder({
  width: 299,
  height: 299,
  centralFraction: 0.875,
  maxPixels: manifest.maxPixels,
  maxConcurrentDecodes: 2,
  maxQueuedDecodes: manifest.inputs.length,
  deadlineMs: 10_000,
  acceptDamaged: false,
});

t.test('the corpus is at least 30 distinct kinds, each with a known code', async (t) => {
  t.ok(manifest.inputs.length >= 30, `${manifest.inputs.length} inputs`);
  t.equal(new Set(manifest.inputs.map((i) => i.file)).size, manifest.inputs.length, 'no file twice');
  for (const { file, code } of manifest.inputs) t.ok((IMAGING_ERROR_CODES as readonly string[]).includes(code), `${file}: ${code}`);
});

for (const { file, code, description } of manifest.inputs) {
  t.test(`${file}: ${description}`, async (t) => {
    const bytes = await readFile(path.join(dir, file));
    const error = await decoder.run(bytes).then(() => null, (e: unknown) => e);
    t.type(error, ImageError, 'refused with a typed ImageError');
    t.match(error, { code }, code);
  });
}
