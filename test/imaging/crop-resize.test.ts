import sharp from 'sharp';
import t from 'tap';
import { cropAndResize } from '../../src/imaging/crop-resize.js';
import { openImage } from '../../src/imaging/open-image.js';
import { resizeBilinear } from '../../src/imaging/resize-bilinear.js';

const limits = { maxPixels: 10_000_000, acceptDamaged: false, timeoutSeconds: 0 };

// Shrinking goes through libvips' affine, enlarging through resizeBilinear: both must be TF's
// mapping. Noise makes any offset or wrong tap show (neighbouring pixels are unrelated).
t.test('the libvips route (shrinking) matches resizeBilinear to one grey level', async (t) => {
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
