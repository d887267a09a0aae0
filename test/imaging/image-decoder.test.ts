import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { ImageDecoder, preprocess, type ImageDecoderOptions } from '../../src/imaging/index.js';
import { writeBmp } from '../support/imaging/bmp-writer.js';
import { mismatch } from '../support/imaging/compare.js';
import { withoutDetach } from '../support/detach.js';
import { damageJpegScan } from '../support/imaging/damage.js';
import { pngTextBomb } from '../support/imaging/png-writer.js';

const options: ImageDecoderOptions = {
  width: 299,
  height: 299,
  centralFraction: 0.875,
  maxPixels: 40_000_000,
  maxConcurrentDecodes: 2,
  maxQueuedDecodes: 4,
  deadlineMs: 5000,
  acceptDamaged: false,
};
const jpeg = await readFile(path.resolve(import.meta.dirname, '../fixtures/images/bccd/BloodImage_00030.jpg'));

t.test('decodes what preprocess() decodes, with no warnings', async (t) => {
  const decoder = new ImageDecoder(options);
  const result = await decoder.run(jpeg);
  t.same(result.source, { format: 'jpeg', width: 640, height: 480 });
  t.same(result.warnings, []);
  t.equal(mismatch(result.pixels, (await preprocess(jpeg, options)).pixels), 'identical');
});

t.test('a PNG full of compressed text chunks costs what its pixels cost', async (t) => {
  // 100 zTXt chunks of 10 MB each in a 1 MB upload: 13.5 s and 2.5 GB through sharp alone.
  const bomb = pngTextBomb({ chunks: 100, inflatedBytes: 10 * 1024 * 1024, kind: 'zTXt' });
  const decoder = new ImageDecoder(options);
  for (const kind of ['zTXt', 'iTXt'] as const) {
    const bytes = kind === 'zTXt' ? bomb : pngTextBomb({ chunks: 100, inflatedBytes: 10 * 1024 * 1024, kind });
    const before = process.memoryUsage().rss;
    const start = performance.now();
    const result = await decoder.run(bytes);
    const ms = performance.now() - start;
    const grew = (process.memoryUsage().rss - before) / 2 ** 20;
    t.comment(`${kind}: ${bytes.length} bytes decoded in ${ms.toFixed(1)} ms, RSS +${grew.toFixed(1)} MiB`);
    t.same(result.source, { format: 'png', width: 16, height: 16 }, `${kind}: decoded`);
    t.ok(result.pixels.every((v) => v === 0x80), `${kind}: the grey pixels`);
    t.ok(ms < 1000, `${kind}: ${ms.toFixed(0)} ms < 1 s`);
    t.ok(grew < 100, `${kind}: RSS grew ${grew.toFixed(0)} MiB < 100 MiB`);
  }
});

t.test('a JPEG damaged mid-scan is refused, or decoded with a warning when damage is accepted', async (t) => {
  const damaged = damageJpegScan(jpeg);
  const strict = new ImageDecoder(options);
  await t.rejects(strict.run(damaged), {
    code: 'CORRUPT_IMAGE',
    message: 'corrupt JPEG image: VipsJpeg: Corrupt JPEG data: premature end of data segment',
  });
  const lenient = new ImageDecoder({ ...options, acceptDamaged: true });
  const result = await lenient.run(damaged);
  t.same(result.warnings, ['damaged JPEG image: VipsJpeg: Corrupt JPEG data: premature end of data segment']);
  t.not(mismatch(result.pixels, (await lenient.run(jpeg)).pixels), 'identical', 'the damage shows in the pixels');
  await t.rejects(lenient.run(jpeg.subarray(0, 100)), { code: 'CORRUPT_IMAGE' }, 'undecodable stays refused');
});

t.test('a BMP with short pixel data is refused, or read with black rows and a warning', async (t) => {
  const rgb = new Uint8Array(4 * 4 * 3).fill(200);
  const bmp = writeBmp({ width: 4, height: 4, rgb }).subarray(0, 54 + 12 * 2); // 2 of 4 rows
  await t.rejects(new ImageDecoder(options).run(bmp), { code: 'CORRUPT_IMAGE', message: /^corrupt BMP image: truncated: 4x4 pixels need 102 bytes, the file has 78$/ });
  const result = await new ImageDecoder({ ...options, acceptDamaged: true }).run(bmp);
  t.same(result.warnings, ['damaged BMP image: truncated: 4x4 pixels need 102 bytes, the file has 78; the missing pixels are black']);
  // Bottom-up: the two rows present are the bottom ones.
  t.equal(result.pixels[0], 0, 'top row black');
  t.equal(result.pixels[result.pixels.length - 1], 200, 'bottom row kept');
});

t.test('a decode past its deadline is refused at the deadline and keeps its slot until libvips is done', async (t) => {
  // 4000x4000 noise as uncompressed PNG: well over 20 ms to decode and shrink on any machine.
  const side = 4000;
  const noise = Uint8Array.from({ length: side * side * 3 }, (_, i) => (i * 2654435761) >>> 24);
  const big = await sharp(noise, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  const decoder = new ImageDecoder({ ...options, deadlineMs: 20, maxConcurrentDecodes: 1 });
  const start = performance.now();
  await t.rejects(decoder.run(big), { code: 'IMAGE_DECODE_TIMEOUT', message: 'image decoding took longer than 20 ms' });
  const waited = performance.now() - start;
  t.ok(waited < 500, `answered after ${waited.toFixed(0)} ms`);
  t.same(decoder.stats, { running: 1, queued: 0 }, 'the work still holds its slot');
  while (decoder.stats.running > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.comment(`the slot came back after ${(performance.now() - start).toFixed(0)} ms`);
  t.same((await new ImageDecoder(options).run(big)).source, { format: 'png', width: side, height: side }, 'decodes with time enough');
});

t.test('refuses with IMAGE_DECODE_QUEUE_FULL beyond the waiting line', async (t) => {
  const decoder = new ImageDecoder({ ...options, maxConcurrentDecodes: 1, maxQueuedDecodes: 1 });
  const runs = [decoder.run(jpeg), decoder.run(jpeg), decoder.run(jpeg)];
  const settled = await Promise.allSettled(runs);
  t.same(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected']);
  t.match((settled[2] as PromiseRejectedResult).reason, { code: 'IMAGE_DECODE_QUEUE_FULL' });
});

/** Resolves once the limiter's slot is back and the microtasks after it have run. */
async function idle(decoder: ImageDecoder): Promise<void> {
  while (decoder.stats.running > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setImmediate(resolve));
}

t.test('bytes handed over (releaseBytes) are freed once decoded, with the same result; bytes lent are left alone', { skip: withoutDetach }, async (t) => {
  const decoder = new ImageDecoder(options);
  const lent = await decoder.run(jpeg);
  t.not(jpeg.buffer.byteLength, 0, 'lent bytes left alone');
  for (const bytes of [new Uint8Array(jpeg), writeBmp({ width: 450, height: 450, rgb: new Uint8Array(450 * 450 * 3).fill(90) })]) {
    const length = bytes.length;
    const result = await decoder.run(bytes, { releaseBytes: true });
    await idle(decoder);
    t.equal(bytes.length, 0, `the ${length}-byte upload is freed`);
    if (length === jpeg.length) t.equal(mismatch(result.pixels, lent.pixels), 'identical', 'the pixels owe nothing to the freed bytes');
    else t.ok(result.pixels.every((v) => v === 90), 'the BMP pixels owe nothing to the freed bytes');
  }
  const refused = new Uint8Array(jpeg.subarray(0, 100));
  await t.rejects(decoder.run(refused, { releaseBytes: true }), { code: 'CORRUPT_IMAGE' });
  await idle(decoder);
  t.equal(refused.length, 0, 'freed after a refusal too');
});

t.test('bytes handed over to a decode past its deadline stay readable until libvips is done with them', { skip: withoutDetach }, async (t) => {
  const side = 3000;
  const noise = Uint8Array.from({ length: side * side * 3 }, (_, i) => (i * 2654435761) >>> 24);
  const big = new Uint8Array(await sharp(noise, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer());
  const length = big.length;
  const decoder = new ImageDecoder({ ...options, deadlineMs: 20, maxConcurrentDecodes: 1 });
  await t.rejects(decoder.run(big, { releaseBytes: true }), { code: 'IMAGE_DECODE_TIMEOUT' });
  t.equal(decoder.stats.running, 1, 'libvips still decoding');
  t.equal(big.length, length, 'its bytes still there for it');
  await idle(decoder);
  t.equal(big.length, 0, 'freed once it is done');
});

t.test('bytes handed over to a decode refused for a full queue are freed at once', { skip: withoutDetach }, async (t) => {
  const decoder = new ImageDecoder({ ...options, maxConcurrentDecodes: 1, maxQueuedDecodes: 0 });
  const copies = [new Uint8Array(jpeg), new Uint8Array(jpeg)];
  const settled = await Promise.allSettled(copies.map((bytes) => decoder.run(bytes, { releaseBytes: true })));
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected']);
  await idle(decoder);
  t.same(copies.map((c) => c.length), [0, 0]);
});

t.test('refuses nonsense options', async (t) => {
  t.throws(() => new ImageDecoder({ ...options, deadlineMs: 0 }), RangeError);
  t.throws(() => new ImageDecoder({ ...options, maxConcurrentDecodes: 0 }), RangeError);
  await t.rejects(new ImageDecoder({ ...options, width: 0 }).run(jpeg), RangeError);
});
