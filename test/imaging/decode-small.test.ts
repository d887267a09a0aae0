import sharp from 'sharp';
import t from 'tap';
import { centralCrop } from '../../src/imaging/central-crop.js';
import { cropAndResize } from '../../src/imaging/crop-resize.js';
import { resizeBilinear } from '../../src/imaging/resize-bilinear.js';
import { decodeSmall } from '../../src/imaging/decode-small.js';
import { openImage } from '../../src/imaging/open-image.js';
import { jpegVariants } from '../support/imaging/jpeg-variants.js';
import { turboJpeg, withoutTurboJpeg } from '../support/imaging/turbojpeg.js';

const options = { maxPixels: 10_000_000, timeoutSeconds: 0, acceptDamaged: false };
const noise = (width: number, height: number) => Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24);
const png = (width: number, height: number) => sharp(noise(width, height), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();

t.test('decodes an image within the limit whole, as libvips reads it', async (t) => {
  const image = await decodeSmall(await png(40, 30), 'png', options, 40 * 30);
  t.ok(image, '40x30 = the limit: decoded');
  t.same({ width: image?.width, height: image?.height }, { width: 40, height: 30 });
  t.ok(image && Buffer.from(noise(40, 30)).equals(image.data), 'the PNG\'s pixels, byte for byte');
});

t.test('leaves to the header route an image over the limit, over maxPixels, or with a header image-size cannot read', async (t) => {
  t.equal(await decodeSmall(await png(40, 30), 'png', options, 40 * 30 - 1), null, 'one pixel over the limit');
  t.equal(await decodeSmall(await png(40, 30), 'png', { ...options, maxPixels: 100 }, 40 * 30), null, 'over maxPixels: the header route names the size');
  const cut = (await sharp(noise(40, 30), { raw: { width: 40, height: 30, channels: 3 } }).jpeg().toBuffer()).subarray(0, 20);
  t.equal(await decodeSmall(cut, 'jpeg', options, 1_000_000), null, 'a JPEG cut inside its header');
});

// The small route resizes with resizeBilinear whatever the direction; the header route lets libvips
// shrink. Enlarging, both run the same kernel on the same crop; shrinking, libvips' fixed-point taps
// may differ by a grey level (as crop-resize.test.ts bounds them).
t.test('both routes give the same input to the model', async (t) => {
  for (const [width, height] of [[257, 257], [450, 450], [600, 380]] as const) {
    const bytes = await png(width, height);
    const small = await decodeSmall(bytes, 'png', options, width * height);
    if (!small) throw new Error('expected the small route');
    const box = centralCrop(width, height, 0.875);
    const viaSmall = resizeBilinear(small.data, small.width, small.height, 299, 299, box);
    const viaHeader = await cropAndResize(await openImage(bytes, 'png', options), box, 299, 299);
    let max = 0;
    for (let i = 0; i < viaSmall.length; i++) max = Math.max(max, Math.abs(viaSmall[i]! - viaHeader[i]!));
    const enlarging = box.width < 299 || box.height < 299;
    t.equal(viaSmall.length, 299 * 299 * 3);
    if (enlarging) t.equal(max, 0, `${width}x${height} (crop enlarges): identical`);
    else t.ok(max <= 1, `${width}x${height} (crop shrinks): max diff ${max} <= 1 grey level`);
  }
});

t.test('the kernel reads only the box of a larger image', async (t) => {
  const [width, height] = [9, 7];
  const src = noise(width, height);
  const box = { left: 2, top: 1, width: 5, height: 4 };
  const crop = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) crop.set(src.subarray(((box.top + y) * width + box.left) * 3, ((box.top + y) * width + box.left + box.width) * 3), y * box.width * 3);
  t.same(resizeBilinear(src, width, height, 11, 13, box), resizeBilinear(crop, box.width, box.height, 11, 13));
  t.throws(() => resizeBilinear(src, width, height, 11, 13, { ...box, left: 5 }), { code: 'IMAGE_PIPELINE_FAILED' }, 'a box past the right edge');
});

t.test('JPEGs go to libjpeg-turbo unless libvips has more to do than decode, with the same result', { skip: withoutTurboJpeg }, async (t) => {
  const plain = (await jpegVariants())['baseline 4:2:0']!;
  const cases = {
    plain: { jpeg: plain, turbo: true },
    'ICC profile (converted to sRGB by libvips)': { jpeg: await sharp(plain).withIccProfile('p3').jpeg().toBuffer(), turbo: false },
    'EXIF orientation 6 (rotated by libvips)': { jpeg: await sharp(plain).withMetadata({ orientation: 6 }).jpeg().toBuffer(), turbo: false },
    'CMYK (declined by libjpeg-turbo)': { jpeg: await sharp(plain).toColourspace('cmyk').jpeg().toBuffer(), turbo: true },
  };
  for (const [name, { jpeg, turbo: offered }] of Object.entries(cases)) {
    let calls = 0;
    const spy = { decode: (bytes: Uint8Array, maxPixels: number) => (calls++, turboJpeg!.decode(bytes, maxPixels)) };
    const image = await decodeSmall(jpeg, 'jpeg', { ...options, turboJpeg: spy }, 1_000_000);
    const libvips = await decodeSmall(jpeg, 'jpeg', { ...options, turboJpeg: null }, 1_000_000);
    t.equal(calls, offered ? 1 : 0, `${name}: ${offered ? 'offered to' : 'not offered to'} libjpeg-turbo`);
    t.ok(image && libvips && image.width === libvips.width && Buffer.from(image.data).equals(libvips.data), `${name}: the pixels libvips gives`);
  }
});
