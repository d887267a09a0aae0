import t from 'tap';
import { decodeBmp } from '../../src/imaging/bmp.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedFormatError } from '../../src/imaging/errors.js';
import { writeBmp, type BmpSpec } from '../support/imaging/bmp-writer.js';

// 3x2 (odd width: rows are padded) with a distinct value in every channel of every pixel.
const width = 3;
const height = 2;
const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + 11) % 256);
const spec = (extra: Partial<BmpSpec> = {}): BmpSpec => ({ width, height, rgb, ...extra });

t.test('reads the variants microscopes and editors write', async (t) => {
  const variants: Record<string, Partial<BmpSpec>> = {
    '24-bit, 40-byte header, bottom-up': {},
    '24-bit, top-down (negative height)': { topDown: true },
    '24-bit, 124-byte V5 header': { infoSize: 124 },
    '24-bit, 108-byte V4 header, top-down': { infoSize: 108, topDown: true },
    '24-bit, colour table before the pixels': { gap: 1024 },
    '32-bit BI_RGB, alpha byte dropped': { bitCount: 32 },
    '32-bit BI_BITFIELDS after a 40-byte header, RGBX order': {
      bitCount: 32,
      masks: [0x000000ff, 0x0000ff00, 0x00ff0000],
    },
    '32-bit BI_BITFIELDS in a V5 header, top-down': {
      bitCount: 32,
      infoSize: 124,
      topDown: true,
      masks: [0xff000000, 0x00ff0000, 0x0000ff00],
    },
    '32-bit BI_BITFIELDS, 10 bits a channel': {
      bitCount: 32,
      masks: [0x3ff00000, 0x000ffc00, 0x000003ff],
    },
  };
  for (const [name, extra] of Object.entries(variants)) {
    const image = decodeBmp(writeBmp(spec(extra)), 100);
    t.same({ width: image.width, height: image.height }, { width, height }, `${name}: size`);
    t.same(image.data, rgb, `${name}: pixels`);
  }
});

t.test('accepts a file whose last row lacks its padding', async (t) => {
  const bytes = writeBmp(spec());
  t.same(decodeBmp(bytes.subarray(0, bytes.length - 3), 100).data, rgb); // 3x3 bytes + 3 padding a row
});

t.test('refuses truncated or malformed files with CORRUPT_IMAGE naming the problem', async (t) => {
  const good = writeBmp(spec());
  const patched = (write: (view: DataView) => void, from = good) => {
    const bytes = Uint8Array.from(from);
    write(new DataView(bytes.buffer));
    return bytes;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ['file header only', good.subarray(0, 14), /truncated header/],
    ['info header cut', good.subarray(0, 30), /truncated 40-byte info header/],
    ['pixels cut', good.subarray(0, good.length - 10), /truncated: 3x2 pixels need \d+ bytes, the file has \d+/],
    ['unknown info header size', patched((v) => v.setUint32(14, 41, true)), /unknown info header size 41/],
    ['zero width', patched((v) => v.setInt32(18, 0, true)), /width 0/],
    ['zero height', patched((v) => v.setInt32(22, 0, true)), /height 0/],
    ['two planes', patched((v) => v.setUint16(26, 2, true)), /2 colour planes/],
    ['7 bits a pixel', patched((v) => v.setUint16(28, 7, true)), /7 bits per pixel/],
    ['unknown compression', patched((v) => v.setUint32(30, 9, true)), /unknown compression 9/],
    ['bitfields at 24 bits', patched((v) => v.setUint32(30, 3, true)), /BI_BITFIELDS with 24 bits/],
    ['pixel offset inside the headers', patched((v) => v.setUint32(10, 20, true)), /offset 20 lies inside the headers/],
    [
      'non-contiguous mask',
      writeBmp(spec({ bitCount: 32, masks: [0x00ff00ff, 0x0000ff00, 0xff000000] })),
      /red bit mask 0xff00ff is not contiguous/,
    ],
    [
      'overlapping masks',
      patched((v) => v.setUint32(58, 0x0000ffff, true), writeBmp(spec({ bitCount: 32, masks: [0xff, 0xff00, 0xff0000] }))),
      /overlapping/,
    ],
    ['empty mask', patched((v) => v.setUint32(62, 0, true), writeBmp(spec({ bitCount: 32, masks: [0xff, 0xff00, 0xff0000] }))), /blue bit mask is empty/],
  ];
  for (const [name, bytes, message] of cases) {
    t.throws(() => decodeBmp(bytes, 100), { name: 'CorruptImageError', code: 'CORRUPT_IMAGE', message }, name);
    t.throws(() => decodeBmp(bytes, 100), CorruptImageError);
  }
});

t.test('refuses palette, RLE, 16-bit and OS/2 files with UNSUPPORTED_IMAGE_FORMAT', async (t) => {
  const good = writeBmp(spec());
  const variant = (write: (view: DataView) => void) => {
    const bytes = Uint8Array.from(good);
    write(new DataView(bytes.buffer));
    return bytes;
  };
  const cases: [Uint8Array, string][] = [
    [variant((v) => v.setUint16(28, 8, true)), 'BMP with 8-bit palette'],
    [variant((v) => v.setUint16(28, 1, true)), 'BMP with 1-bit palette'],
    [variant((v) => v.setUint16(28, 16, true)), '16-bit BMP'],
    [variant((v) => v.setUint32(30, 1, true)), 'BMP with RLE8 compression'],
    [variant((v) => v.setUint32(30, 2, true)), 'BMP with RLE4 compression'],
    [variant((v) => v.setUint32(30, 4, true)), 'BMP with embedded JPEG'],
    [variant((v) => v.setUint32(14, 12, true)), 'OS/2 BMP'],
  ];
  for (const [bytes, detected] of cases) {
    t.throws(() => decodeBmp(bytes, 100), { code: 'UNSUPPORTED_IMAGE_FORMAT', detected }, detected);
    t.throws(() => decodeBmp(bytes, 100), UnsupportedFormatError);
  }
});

t.test('refuses a pixel bomb from its header, before allocating', async (t) => {
  // 54 bytes claiming 100000 x 100000 pixels (30 GB decoded).
  const bomb = writeBmp(spec()).subarray(0, 54);
  new DataView(bomb.buffer).setInt32(18, 100_000, true);
  new DataView(bomb.buffer).setInt32(22, -100_000, true);
  t.throws(() => decodeBmp(bomb, 50_000_000), {
    code: 'IMAGE_TOO_LARGE',
    message: 'image too large: 100000x100000 = 10000000000 pixels, the limit is 50000000',
  });
  t.throws(() => decodeBmp(writeBmp(spec()), 5), ImageTooLargeError, 'the limit counts pixels: 3x2 > 5');
  t.equal(decodeBmp(writeBmp(spec()), 6).width, 3, '3x2 = 6 is within a limit of 6');
});
