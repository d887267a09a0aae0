import sharp from 'sharp';
import type { OcclusionInput, OcclusionMap, OcclusionOptions } from './occlusion.js';

/**
 * Colour map: matplotlib's "inferno" at 9 even stops (0 = no drop, 1 = the largest drop), linearly
 * interpolated; stated once here.
 */
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164],
];

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [INFERNO[i]!, INFERNO[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Per pixel, the mean drop of the patches covering it (0 where none does). */
function pixelDrops(map: OcclusionMap, { patch, stride }: OcclusionOptions, width: number, height: number): Float32Array {
  const sum = new Float32Array(width * height);
  const count = new Uint16Array(width * height);
  for (let row = 0; row < map.rows; row++) {
    for (let col = 0; col < map.cols; col++) {
      for (let y = row * stride; y < row * stride + patch; y++) {
        for (let x = col * stride; x < col * stride + patch; x++) {
          sum[y * width + x]! += map.grid[row]![col]!;
          count[y * width + x]!++;
        }
      }
    }
  }
  return sum.map((s, i) => (count[i] === 0 ? 0 : s / count[i]!));
}

/** The crop the model saw with the heatmap blended over it (only drops > 0 are coloured, opacity rising with the drop). */
export async function heatmapPng(input: OcclusionInput, map: OcclusionMap, options: OcclusionOptions, scale = 2): Promise<Buffer> {
  const { width, height } = input;
  const drops = pixelDrops(map, options, width, height);
  const max = Math.max(1e-6, ...drops);
  const overlay = Buffer.alloc(width * height * 4);
  drops.forEach((d, i) => {
    const t = Math.max(0, d) / max;
    const [r, g, b] = colour(t);
    overlay.set([Math.round(r), Math.round(g), Math.round(b), Math.round(40 + 150 * t)], i * 4);
  });
  const raw = { width, height, channels: 3 as const };
  const blended = await sharp(input.pixels, { raw })
    .composite([{ input: overlay, raw: { width, height, channels: 4 } }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return sharp(blended, { raw }).resize(width * scale, height * scale, { kernel: 'nearest' }).png().toBuffer();
}
