import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import t from 'tap';
import { IMAGING_ERROR_CODES, ImageDecoder, ImageError, type ImageDecoderOptions, type ImageFormat } from '../../src/imaging/index.js';
import { writeBmp } from '../support/imaging/bmp-writer.js';

// Random damage to a real image of every format, through the real decoding path: the outcome is
// always a 299x299 tensor or a typed ImageError, never a crash, another error or a hang.
// CI runs FUZZ_RUNS (default 200) cases a format with a fixed seed; FUZZ_SEED=n to vary it, e.g.
//   FUZZ_RUNS=2000 FUZZ_SEED=$RANDOM npx tap test/imaging/decode-fuzz.test.ts
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const SIZE = 299;

const options: ImageDecoderOptions = {
  width: SIZE,
  height: SIZE,
  centralFraction: 0.875,
  maxPixels: 40_000_000,
  maxConcurrentDecodes: 2,
  maxQueuedDecodes: 8,
  deadlineMs: 5000,
  acceptDamaged: false,
};
const decoders = { strict: new ImageDecoder(options), lenient: new ImageDecoder({ ...options, acceptDamaged: true }) };

const source = path.resolve(import.meta.dirname, '../fixtures/images/bccd/BloodImage_00030.jpg');
const rgb = await sharp(await readFile(source)).resize(64, 48).raw().toBuffer();
const raw = () => sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } });
const originals: Record<ImageFormat, Uint8Array> = {
  jpeg: await raw().jpeg({ quality: 90 }).toBuffer(),
  png: await raw().png().toBuffer(),
  tiff: await raw().tiff({ compression: 'lzw' }).toBuffer(),
  webp: await raw().webp({ quality: 80 }).toBuffer(),
  bmp: writeBmp({ width: 64, height: 48, rgb }),
};

/** Writes a declared width and height into the header, where the format keeps them. */
const setDimensions: Record<ImageFormat, ((bytes: Uint8Array, width: number, height: number) => void) | null> = {
  jpeg: (bytes, width, height) => {
    const view = new DataView(bytes.buffer);
    for (let i = 2; i + 9 < bytes.length; i++) {
      if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
        view.setUint16(i + 5, height & 0xffff);
        view.setUint16(i + 7, width & 0xffff);
        return;
      }
    }
  },
  png: (bytes, width, height) => {
    const view = new DataView(bytes.buffer);
    view.setUint32(16, width);
    view.setUint32(20, height);
    view.setUint32(29, crc32(bytes.subarray(12, 29))); // a valid IHDR, so the size itself is what is tested
  },
  bmp: (bytes, width, height) => {
    const view = new DataView(bytes.buffer);
    view.setInt32(18, width | 0, true);
    view.setInt32(22, height | 0, true);
  },
  webp: (bytes, width, height) => {
    // Lossy 'VP8 ' frame header: 14-bit width and height after the start code.
    const view = new DataView(bytes.buffer);
    view.setUint16(26, width & 0x3fff, true);
    view.setUint16(28, height & 0x3fff, true);
  },
  tiff: null, // tags sit at encoder-chosen offsets: the field fuzzer reaches them
};

type Mutation =
  | { kind: 'flip'; flips: { at: number; bit: number }[] }
  | { kind: 'truncate'; keep: number }
  | { kind: 'field'; at: number; bytes: 1 | 2 | 4; value: number; littleEndian: boolean }
  | { kind: 'dimensions'; width: number; height: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    flips: fc.array(fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('field' as const),
    at: fc.integer({ min: 0, max: 127 }), // the headers of every format
    bytes: fc.constantFrom(1 as const, 2 as const, 4 as const),
    value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat()),
    littleEndian: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('dimensions' as const),
    width: fc.oneof(fc.constantFrom(0, 1, 65_535, 100_000, 0x7fffffff, 0xffffffff), fc.nat()),
    height: fc.oneof(fc.constantFrom(0, 1, 65_535, 100_000, 0x7fffffff, 0xffffffff), fc.nat()),
  }),
);

function mutate(format: ImageFormat, original: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return original.slice(0, Math.floor(original.length * m.keep));
  const bytes = Uint8Array.from(original);
  const view = new DataView(bytes.buffer);
  if (m.kind === 'flip') {
    for (const { at, bit } of m.flips) bytes[at % bytes.length]! ^= 1 << bit;
  } else if (m.kind === 'field') {
    if (m.bytes === 1) view.setUint8(m.at, m.value & 0xff);
    else if (m.bytes === 2) view.setUint16(m.at, m.value & 0xffff, m.littleEndian);
    else view.setUint32(m.at, m.value >>> 0, m.littleEndian);
  } else {
    setDimensions[format]?.(bytes, m.width, m.height);
  }
  return bytes;
}

const outcomes = new Map<string, number>();
const started = performance.now();

for (const format of Object.keys(originals) as ImageFormat[]) {
  t.test(`${format}: damaged copies decode to a tensor or are refused with a typed error`, async (t) => {
    const original = originals[format];
    t.equal((await decoders.strict.run(original)).pixels.length, SIZE * SIZE * 3, 'the undamaged file decodes');
    const property = fc.asyncProperty(mutation, fc.boolean(), async (m, acceptDamaged) => {
      const bytes = mutate(format, original, m);
      const decoder = acceptDamaged ? decoders.lenient : decoders.strict;
      const outcome = await decoder.run(bytes).then(
        (image) => {
          if (image.pixels.length !== SIZE * SIZE * 3) throw new Error(`tensor of ${image.pixels.length} bytes`);
          if (!acceptDamaged && image.warnings.length > 0) throw new Error('warnings without acceptDamaged');
          return image.warnings.length > 0 ? 'decoded with warnings' : 'decoded';
        },
        (error: unknown) => {
          if (!(error instanceof ImageError) || !IMAGING_ERROR_CODES.includes(error.code)) throw error;
          return error.code;
        },
      );
      outcomes.set(`${format} ${outcome}`, (outcomes.get(`${format} ${outcome}`) ?? 0) + 1);
    });
    await fc.assert(property, { numRuns: RUNS, seed: SEED + format.length, endOnFailure: true });
    t.pass(`${RUNS} damaged ${format} files`);
  });
}

t.teardown(() => {
  const lines = [...outcomes].sort().map(([key, n]) => `  ${key}: ${n}`);
  console.log(`# fuzz: seed ${SEED}, ${RUNS} runs a format, ${((performance.now() - started) / 1000).toFixed(1)} s\n${lines.join('\n')}`);
});
