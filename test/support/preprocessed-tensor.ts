// The service's own preprocessed tensor of an image (u8 NHWC 299x299x3, raw bytes on stdout): what a
// client sending tensors would compute. Used by the Python client tests (test/clients).
import { readFile } from 'node:fs/promises';
import { preprocess } from '../../src/imaging/index.js';
import { loadManifest } from '../../src/model/manifest.js';
import { MODEL_DIR } from './fixtures.js';

const [image] = process.argv.slice(2);
if (image === undefined) throw new Error('usage: preprocessed-tensor.ts <image>');
const { manifest } = await loadManifest(MODEL_DIR);
const [, height, width] = manifest.input.shape as [number, number, number, number];
const { pixels } = await preprocess(await readFile(image), {
  height,
  width,
  centralFraction: manifest.preprocessing.central_fraction,
  maxPixels: 40_000_000,
});
process.stdout.write(pixels);
