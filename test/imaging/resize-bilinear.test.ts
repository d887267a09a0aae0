import t from 'tap';
import { resizeBilinear } from '../../src/imaging/resize-bilinear.js';

// Values worked out by hand from TF's legacy mapping (source = dst * in/out, clamped at the edge).
t.test('upsampling 2x1 -> 4x1: half-way taps, then the clamped edge', async (t) => {
  const src = Uint8Array.from([0, 10, 100, 200, 110, 0]); // two RGB pixels
  const out = resizeBilinear(src, 2, 1, 4, 1);
  // x = 0, 0.5, 1, 1.5 -> pixel 0, the mean, pixel 1, pixel 1 (x1 clamped to the last column)
  t.same([...out], [0, 10, 100, 100, 60, 50, 200, 110, 0, 200, 110, 0]);
});

t.test('downsampling 4x4 -> 2x2 samples every other pixel: no antialiasing, as in TF', async (t) => {
  const src = new Uint8Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) src.fill(i * 10, i * 3, i * 3 + 3);
  const out = resizeBilinear(src, 4, 4, 2, 2);
  t.same([...out].filter((_, i) => i % 3 === 0), [0, 20, 80, 100]);
});

t.test('fractional weights round to nearest', async (t) => {
  const src = Uint8Array.from([0, 0, 0, 255, 255, 255, 0, 0, 0]); // 3x1
  const out = resizeBilinear(src, 3, 1, 2, 1); // x = 0, 1.5 -> 0 and (255 + 0) / 2 = 127.5 -> 128
  t.same([...out], [0, 0, 0, 128, 128, 128]);
});

/** TF's formula written out plainly, one value at a time, in float64. */
function reference(src: Uint8Array, width: number, box: { left: number; top: number; width: number; height: number }, outWidth: number, outHeight: number): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const tap = (o: number, inSize: number, outSize: number) => {
    const x = (o * inSize) / outSize;
    const lo = Math.floor(x);
    return [lo, Math.min(lo + 1, inSize - 1), x - lo] as const;
  };
  for (let y = 0; y < outHeight; y++) {
    const [y0, y1, dy] = tap(y, box.height, outHeight);
    for (let x = 0; x < outWidth; x++) {
      const [x0, x1, dx] = tap(x, box.width, outWidth);
      for (let c = 0; c < 3; c++) {
        const at = (row: number, column: number) => src[((box.top + row) * width + box.left + column) * 3 + c]!;
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx;
        out[(y * outWidth + x) * 3 + c] = Math.round(top + (bottom - top) * dy);
      }
    }
  }
  return out;
}

t.test('matches TF formula on noise, enlarging and shrinking, any row length and crop', async (t) => {
  // Odd sizes, rows shorter than one vector store and a whole number of them (48 values), one-pixel
  // images: the kernel's padded vector loads and stores must never show in the output. Noise makes any offset or wrong tap show.
  const cases = [
    { width: 299, height: 299, box: { left: 18, top: 18, width: 263, height: 263 }, out: [299, 299] }, // a 299x299 upload's crop
    { width: 450, height: 450, box: { left: 28, top: 28, width: 394, height: 394 }, out: [299, 299] }, // a C-NMC BMP's
    { width: 37, height: 23, box: { left: 3, top: 5, width: 31, height: 11 }, out: [5, 16] },
    { width: 7, height: 9, box: { left: 0, top: 0, width: 7, height: 9 }, out: [16, 3] },
    { width: 1, height: 1, box: { left: 0, top: 0, width: 1, height: 1 }, out: [3, 2] },
    { width: 640, height: 2, box: { left: 100, top: 1, width: 500, height: 1 }, out: [1, 1] },
  ] as const;
  for (const { width, height, box, out: [outWidth, outHeight] } of cases) {
    const noise = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const ours = resizeBilinear(noise, width, height, outWidth, outHeight, box);
    const theirs = reference(noise, width, box, outWidth, outHeight);
    let differing = 0;
    let worst = 0;
    for (const [i, v] of ours.entries()) {
      differing += v === theirs[i] ? 0 : 1;
      worst = Math.max(worst, Math.abs(v - theirs[i]!));
    }
    const name = `${width}x${height} crop ${box.width}x${box.height}+${box.left}+${box.top} -> ${outWidth}x${outHeight}`;
    t.equal(ours.length, outWidth * outHeight * 3, `${name}: size`);
    // float32 lanes against float64: a value a hair from .5 may round the other way, never further.
    t.ok(worst <= 1, `${name}: off by at most one level (${worst})`);
    t.ok(differing <= ours.length / 10_000, `${name}: ${differing} of ${ours.length} values differ`);
  }
});

t.test('a large call then a small one: the reused memory leaves nothing behind', async (t) => {
  const big = Uint8Array.from({ length: 900 * 700 * 3 }, (_, i) => (i * 2654435761) >>> 24);
  const small = new Uint8Array(4 * 4 * 3).fill(200);
  resizeBilinear(big, 900, 700, 600, 500);
  t.ok(resizeBilinear(small, 4, 4, 5, 7).every((v) => v === 200), 'a flat image stays flat');
});

t.test('a crop that does not fit the image is refused', async (t) => {
  const src = new Uint8Array(10 * 10 * 3);
  t.throws(() => resizeBilinear(src, 10, 10, 4, 4, { left: 5, top: 0, width: 6, height: 10 }), { code: 'IMAGE_PIPELINE_FAILED' });
  t.throws(() => resizeBilinear(src.subarray(3), 10, 10, 4, 4), { code: 'IMAGE_PIPELINE_FAILED' }, 'too few bytes');
});
