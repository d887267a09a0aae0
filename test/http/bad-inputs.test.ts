import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { fixture, ROOT } from '../support/fixtures.js';

// The imaging corpus through HTTP: every hostile upload gets a 4xx with the error shape and the code
// its imaging error maps to, and the next good request is served.
interface Manifest {
  inputs: { file: string; code: string; description: string }[];
}
const dir = path.join(ROOT, 'test/fixtures/bad-inputs');
const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
const STATUS: Record<string, number> = { UNSUPPORTED_IMAGE_FORMAT: 415, CORRUPT_IMAGE: 422, IMAGE_TOO_LARGE: 413 };

const classifier = await openCpuClassifier();
const app = await buildApp(classifier, loadConfig([], {}).config, silentLogger);
t.teardown(async () => {
  await app.close();
  await classifier.close();
});

for (const { file, code, description } of manifest.inputs) {
  t.test(`${file} (${description}) -> ${STATUS[code]} ${code}`, async (t) => {
    const bytes = await readFile(path.join(dir, file));
    const res = await app.inject({ method: 'POST', url: `/classify?filename=${encodeURIComponent(file)}`, headers: { 'content-type': 'application/octet-stream' }, payload: bytes });
    if (bytes.length === 0) {
      t.equal(res.statusCode, 400, 'an empty body is no image at all');
      t.equal(res.json().code, 'NO_IMAGE');
      return;
    }
    t.equal(res.statusCode, STATUS[code]);
    t.same(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode']);
    t.equal(res.json().code, code);
  });
}

t.test('after the whole corpus the service still classifies', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/jpeg' }, payload: fixture('field').bytes });
  t.equal(res.statusCode, 200);
  t.equal(res.json().predictions.length, 1);
});
