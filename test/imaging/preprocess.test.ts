import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import {
  CorruptImageError,
  ImageTooLargeError,
  preprocess,
  UnsupportedFormatError,
  type PreprocessOptions,
} from '../../src/imaging/index.js';
import { centralCrop } from '../../src/imaging/central-crop.js';
import { resizeBilinear } from '../../src/imaging/resize-bilinear.js';
import { writeBmp } from '../support/imaging/bmp-writer.js';
import { mismatch } from '../support/imaging/compare.js';
import { pngPixelBomb } from '../support/imaging/png-writer.js';

const options: PreprocessOptions = { width: 299, height: 299, centralFraction: 0.875, maxPixels: 10_000_000 };
const fixture = path.resolve(import.meta.dirname, '../fixtures/images/bccd/BloodImage_00030.jpg');
const jpeg = await readFile(fixture);
// The fixture's pixels, decoded once; every variant below is made from them at test time.
const { data: rgb, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
const { width, height } = info;
const raw = (data: Uint8Array | Uint16Array, channels: 1 | 2 | 3 | 4, depth?: 'ushort') =>
  sharp(data, { raw: { width, height, channels, ...(depth ? { depth } : {}) } });
const rgbPng = await raw(rgb, 3).png().toBuffer();
const reference = await preprocess(rgbPng, options);

/** Mean absolute difference in u8 levels. */
function meanLevels(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

t.test('yields 299x299 RGB u8 and names the source', async (t) => {
  t.equal(reference.pixels.length, 299 * 299 * 3);
  t.same([reference.width, reference.height], [299, 299]);
  t.same(reference.source, { format: 'png', width: 640, height: 480 });
  t.ok(reference.pixels.some((v, i) => v !== reference.pixels[i % 3]), 'not a flat image');
});

t.test('decodes the same pixels from every lossless format', async (t) => {
  const encoded = {
    tiff: await raw(rgb, 3).tiff({ compression: 'lzw' }).toBuffer(),
    webp: await raw(rgb, 3).webp({ lossless: true }).toBuffer(),
    bmp: writeBmp({ width, height, rgb }),
  };
  for (const [format, bytes] of Object.entries(encoded)) {
    const result = await preprocess(bytes, options);
    t.same(result.source, { format, width, height }, `${format}: source`);
    t.equal(mismatch(result.pixels, reference.pixels), 'identical', `${format}: pixels`);
  }
  const fromJpeg = await preprocess(jpeg, options);
  t.same(fromJpeg.source, { format: 'jpeg', width, height });
  t.equal(mismatch(fromJpeg.pixels, reference.pixels), 'identical', 'the JPEG itself decodes to the pixels its PNG copy holds');
});

t.test('replicates grayscale to three channels and drops alpha (as TF decode_image(channels=3) does)', async (t) => {
  const gray = await raw(rgb, 3).toColourspace('b-w').raw().toBuffer();
  t.equal(gray.length, width * height, 'one channel');
  const grayAsRgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => gray[Math.floor(i / 3)]!);
  const expectedGray = await preprocess(await raw(grayAsRgb, 3).png().toBuffer(), options);
  // Images with alpha always take resizeBilinear (see crop-resize.ts), which may round a tap one
  // level apart from libvips' fixed-point affine: their reference is resizeBilinear on the opaque pixels.
  const viaResizeBilinear = async (pixels: Uint8Array) => {
    const box = centralCrop(width, height, options.centralFraction);
    const crop = await raw(pixels, 3).extract(box).raw().toBuffer();
    return resizeBilinear(crop, box.width, box.height, options.width, options.height);
  };
  const alpha = (i: number) => (i % 7) * 40; // 0 (fully transparent) included
  const withAlpha = (source: Uint8Array, channels: 1 | 3) =>
    Uint8Array.from({ length: width * height * (channels + 1) }, (_, i) => {
      const pixel = Math.floor(i / (channels + 1));
      const c = i % (channels + 1);
      return c === channels ? alpha(pixel) : source[pixel * channels + c]!;
    });
  const cases: [string, Buffer, 1 | 2 | 4, Uint8Array][] = [
    ['grayscale PNG', await raw(gray, 1).toColourspace('b-w').png().toBuffer(), 1, expectedGray.pixels],
    ['grayscale + alpha PNG', await raw(withAlpha(gray, 1), 2).toColourspace('b-w').png().toBuffer(), 2, await viaResizeBilinear(grayAsRgb)],
    ['RGBA PNG', await raw(withAlpha(rgb, 3), 4).png().toBuffer(), 4, await viaResizeBilinear(rgb)],
  ];
  for (const [name, bytes, channels, expected] of cases) {
    t.equal((await sharp(bytes).metadata()).channels, channels, `${name}: made with ${channels} channels`);
    t.equal(mismatch((await preprocess(bytes, options)).pixels, expected), 'identical', name);
  }
});

t.test('reduces 16-bit to 8-bit by the high byte', async (t) => {
  const wide = Uint16Array.from(rgb, (v, i) => v * 256 + (i % 256)); // low bytes >= 128 must not round up
  const png16 = await raw(wide, 3, 'ushort').toColourspace('rgb16').png().toBuffer();
  t.equal((await sharp(png16).metadata()).depth, 'ushort');
  t.equal(mismatch((await preprocess(png16, options)).pixels, reference.pixels), 'identical');
});

t.test('converts CMYK to sRGB', async (t) => {
  const cmyk = await raw(rgb, 3).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
  t.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const levels = meanLevels((await preprocess(cmyk, options)).pixels, reference.pixels);
  t.comment(`CMYK round trip: mean abs diff ${levels.toFixed(2)} levels`);
  // A CMYK round trip through ICC profiles is lossy (~5 levels); CMYK read as RGB is off by ~100.
  t.ok(levels < 10, `mean abs diff ${levels.toFixed(2)} levels`);
});

t.test('applies the EXIF orientation before cropping', async (t) => {
  for (const [orientation, degrees] of [[6, 90], [3, 180], [8, 270]] as const) {
    const tagged = await raw(rgb, 3).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
    t.equal((await sharp(tagged).metadata()).orientation, orientation, `orientation ${orientation} written`);
    // The JPEG's stored pixels, rotated losslessly by hand, are what orientation must produce.
    const stored = await sharp(tagged).raw().toBuffer();
    const upright = await raw(stored, 3).rotate(degrees).png().toBuffer();
    const result = await preprocess(tagged, options);
    const swapped = degrees % 180 !== 0;
    t.same(result.source, { format: 'jpeg', width: swapped ? height : width, height: swapped ? width : height });
    t.equal(mismatch(result.pixels, (await preprocess(upright, options)).pixels), 'identical', `orientation ${orientation}: rotated ${degrees}°`);
  }
});

t.test('refuses unsupported formats, naming what was sent', async (t) => {
  const gif = await raw(rgb, 3).gif().toBuffer();
  const cases: [Uint8Array, string][] = [
    [gif, 'GIF'],
    [new TextEncoder().encode('<html><body>not an image</body></html>'), 'SVG/XML/HTML text'],
    [Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00]), 'unknown, first bytes de ad be ef'],
    [new Uint8Array(0), 'empty input'],
  ];
  for (const [bytes, detected] of cases) {
    await t.rejects(preprocess(bytes, options), { code: 'UNSUPPORTED_IMAGE_FORMAT', detected }, detected);
    await t.rejects(preprocess(bytes, options), UnsupportedFormatError);
  }
});

t.test('refuses corrupt and truncated files as CORRUPT_IMAGE', async (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['JPEG cut in half', jpeg.subarray(0, jpeg.length / 2), /^corrupt JPEG image: .+/],
    ['JPEG header only', jpeg.subarray(0, 100), /^corrupt JPEG image: .+/],
    ['PNG cut in half', rgbPng.subarray(0, rgbPng.length / 2), /^corrupt PNG image: .+/],
    ['PNG signature then junk', Uint8Array.from([...rgbPng.subarray(0, 8), ...new Array<number>(64).fill(7)]), /^corrupt PNG image: .+/],
    ['WebP container, no image', new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 junkjunk'), /^corrupt WebP image: .+/],
    ['BMP cut', writeBmp({ width, height, rgb }).subarray(0, 5000), /^corrupt BMP image: truncated/],
  ];
  for (const [name, bytes, message] of cases) {
    await t.rejects(preprocess(bytes, options), { code: 'CORRUPT_IMAGE', message }, name);
    await t.rejects(preprocess(bytes, options), CorruptImageError);
  }
});

t.test('refuses a decompression bomb from its header', async (t) => {
  const before = process.memoryUsage().rss;
  await t.rejects(preprocess(pngPixelBomb(100_000, 100_000), options), {
    code: 'IMAGE_TOO_LARGE',
    message: 'image too large: 100000x100000 = 10000000000 pixels, the limit is 10000000',
  });
  t.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'nothing near 30 GB was allocated');
  await t.rejects(preprocess(jpeg, { ...options, maxPixels: 640 * 480 - 1 }), ImageTooLargeError, 'one pixel over');
  t.equal((await preprocess(jpeg, { ...options, maxPixels: 640 * 480 })).source.width, 640, 'exactly at the limit');
});

t.test('refuses nonsense options', async (t) => {
  for (const bad of [{ width: 0 }, { height: 1.5 }, { maxPixels: -1 }, { centralFraction: 0 }]) {
    await t.rejects(preprocess(rgbPng, { ...options, ...bad }), RangeError, JSON.stringify(bad));
  }
});
