// Measures the PNG text-chunk bomb, each run in a fresh process (peak RSS is per process):
//   npx tsx test/support/imaging/measure-text-bomb.ts [copies]
// "sharp alone" is what open-image.ts did before text chunks were stripped (header, then pixels);
// "ImageDecoder" is the path the service takes now. `copies` bombs are decoded at once.
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { ImageDecoder } from '../../../src/imaging/index.js';
import { pngTextBomb } from './png-writer.js';

const BOMB = { chunks: 100, inflatedBytes: 10 * 1024 * 1024, kind: 'zTXt' } as const;

async function sharpAlone(bytes: Uint8Array): Promise<unknown> {
  await sharp(bytes, { limitInputPixels: false }).metadata();
  return sharp(bytes, { limitInputPixels: 10_000_000, failOn: 'error', sequentialRead: true }).raw().toBuffer();
}

const decoder = new ImageDecoder({
  width: 299,
  height: 299,
  centralFraction: 0.875,
  maxPixels: 40_000_000,
  maxConcurrentDecodes: 2,
  maxQueuedDecodes: 64,
  deadlineMs: 5000,
  acceptDamaged: false,
});

const [mode, copies = '1'] = process.argv.slice(2);
if (mode === 'sharp' || mode === 'decoder') {
  const bytes = pngTextBomb(BOMB);
  const start = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: Number(copies) }, () => (mode === 'sharp' ? sharpAlone(bytes) : decoder.run(bytes))),
  );
  const ms = Math.round(performance.now() - start);
  const rssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const failed = outcomes.filter((o) => o.status === 'rejected').length;
  console.log(JSON.stringify({ mode, copies: Number(copies), uploadBytes: bytes.length, ms, peakRssMiB: rssMiB, failed }));
} else {
  for (const which of ['sharp', 'decoder']) {
    process.stdout.write(execFileSync(process.execPath, ['--import=tsx', import.meta.filename, which, mode ?? '1']));
  }
}
