import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { TurboJpegDecompressor } from '../../../src/imaging/turbojpeg/decompressor.js';
import { fixture, ROOT } from '../../support/fixtures.js';
import { jpegVariants } from '../../support/imaging/jpeg-variants.js';
import { turboJpeg, withoutTurboJpeg } from '../../support/imaging/turbojpeg.js';

const badInput = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/bad-inputs', name));

/** libvips' decode of the same bytes, as the service read every JPEG before. */
const viaLibvips = (jpeg: Buffer) => sharp(jpeg).raw().toBuffer({ resolveWithObject: true });

t.test('decodes to the bytes libvips gives', { skip: withoutTurboJpeg }, async (t) => {
  const jpegs = { 'smear field 640x480': fixture('field').bytes, ...(await jpegVariants()) };
  for (const [name, jpeg] of Object.entries(jpegs)) {
    const image = await turboJpeg!.decode(jpeg, 1_000_000);
    const { data, info } = await viaLibvips(jpeg);
    t.same({ width: image?.width, height: image?.height }, { width: info.width, height: info.height }, `${name}: size`);
    const rgb = info.channels === 1 ? Uint8Array.from({ length: data.length * 3 }, (_, i) => data[Math.floor(i / 3)]!) : data;
    t.ok(image && Buffer.from(image.data).equals(rgb), `${name}: every byte`);
  }
});

t.test('declines what libvips must judge or convert', { skip: withoutTurboJpeg }, async (t) => {
  const plain = (await jpegVariants())['baseline 4:2:0']!;
  t.equal(await turboJpeg!.decode(plain, 300 * 220 - 1), null, 'one pixel over maxPixels');
  t.ok(await turboJpeg!.decode(plain, 300 * 220), 'at maxPixels: decoded');
  t.equal(await turboJpeg!.decode(await sharp(plain).toColourspace('cmyk').jpeg().toBuffer(), 1_000_000), null, 'CMYK (libvips converts it)');
  for (const name of ['jpeg-damaged-scan.jpg', 'jpeg-cut-half.jpg', 'jpeg-header-only.jpg', 'jpeg-no-scan.jpg', 'jpeg-zero-width.jpg', 'jpeg-soi-two-bytes.jpg']) {
    t.equal(await turboJpeg!.decode(badInput(name), 1_000_000_000), null, `${name}: left to libvips`);
  }
  t.equal(await turboJpeg!.decode(badInput('jpeg-65000x65000.jpg'), 10_000_000), null, '65000x65000 by its header: refused before allocating');
});

t.test('a library that cannot be loaded gives no decompressor', async (t) => {
  t.equal(TurboJpegDecompressor.load('libturbojpeg-absent.so.0'), null);
});
