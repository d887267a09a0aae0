import sharp from 'sharp';
import t from 'tap';
import { cropAndResize, resizeBilinear } from '../../src/imaging/crop-resize.js';
import { openImage } from '../../src/imaging/open-image.js';

const limits = { maxPixels: 10_000_000, acceptDamaged: false, timeoutSeconds: 0 };

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

// Shrinking goes through libvips' affine, enlarging through the TS kernel: both must be TF's
// mapping. Noise makes any offset or wrong tap show (neighbouring pixels are unrelated).
t.test('the libvips route (shrinking) matches the TS kernel to one grey level', async (t) => {
  const sizes = [
    [299, 299], // identity scale
    [300, 1000],
    [333, 301],
    [1001, 999],
    [2268, 1702], // the central crop of a 2592x1944 field
  ] as const;
  for (const [width, height] of sizes) {
    const noise = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const png = await sharp(noise, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    const image = await openImage(png, 'png', limits);
    const ours = await cropAndResize(image, { left: 0, top: 0, width, height }, 299, 299);
    const reference = resizeBilinear(noise, width, height, 299, 299);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < reference.length; i++) {
      const d = Math.abs(ours[i]! - reference[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    t.equal(ours.length, reference.length, `${width}x${height}: 299x299x3 bytes`);
    t.ok(max <= 1, `${width}x${height}: max diff ${max} <= 1 grey level`);
    t.ok(sum / reference.length < 0.05, `${width}x${height}: mean diff ${(sum / reference.length).toFixed(4)} < 0.05`);
  }
});

t.test('a crop box inside the image is what gets resized, on both routes', async (t) => {
  // Left half black, right half white: a crop of the right half is all white whatever the route.
  for (const [width, crop] of [[1200, 600], [400, 200]] as const) {
    const raw = new Uint8Array(width * 300 * 3);
    for (let y = 0; y < 300; y++) raw.fill(255, (y * width + width / 2) * 3, (y + 1) * width * 3);
    const image = await openImage(await sharp(raw, { raw: { width, height: 300, channels: 3 } }).png().toBuffer(), 'png', limits);
    const out = await cropAndResize(image, { left: width / 2, top: 0, width: crop, height: 300 }, 299, 299);
    t.ok(out.every((v) => v === 255), `${crop}x300 crop from a ${width}-wide image: all white`);
  }
});
