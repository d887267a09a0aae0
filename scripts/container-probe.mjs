// Run by scripts/container-emulated-check.sh with an image's own Node, inside the image's root file
// system: loads koffi and sharp from /app/node_modules, runs the service's preprocessing on each
// image given, and prints one JSON line: versions, the small-JPEG decoder, and the sha256 of each preprocessed tensor.
//   node /tmp/probe/container-probe.mjs FILE...
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { log } from 'node:console';

const app = '/app';
const require = createRequire(path.join(app, 'dist/main.js'));
const koffi = require('koffi');
const sharp = require('sharp');
const { preprocess, smallJpegDecoder } = await import(path.join(app, 'dist/imaging/index.js'));

const images = {};
for (const file of process.argv.slice(2)) {
  // Inception V3's input and TF-Slim's eval crop, as the service preprocesses by default.
  const { pixels } = await preprocess(readFileSync(file), { width: 299, height: 299, centralFraction: 0.875, maxPixels: 50_000_000 });
  images[path.basename(file)] = { bytes: pixels.length, sha256: createHash('sha256').update(pixels).digest('hex') };
}
log(JSON.stringify({
  node: process.version,
  arch: process.arch,
  koffi: koffi.version,
  sharp: sharp.versions.sharp,
  vips: sharp.versions.vips,
  jpeg: smallJpegDecoder(),
  images,
}));
