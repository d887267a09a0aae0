import type { InferResult } from '../inference/index.js';
import { softmax } from './softmax.js';

/** Test-time augmentation: `flips` averages the scores of the image and its three flips (horizontal, vertical, both = 180° rotation). */
export const TTA_MODES = ['off', 'flips'] as const;
export type TtaMode = (typeof TTA_MODES)[number];

/** One HWC u8 RGB image flipped horizontally and/or vertically (a new buffer). */
export function flip(pixels: Uint8Array, width: number, height: number, horizontal: boolean, vertical: boolean): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const sy = vertical ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const sx = horizontal ? width - 1 - x : x;
      const s = (sy * width + sx) * 3;
      const d = (y * width + x) * 3;
      out[d] = pixels[s]!;
      out[d + 1] = pixels[s + 1]!;
      out[d + 2] = pixels[s + 2]!;
    }
  }
  return out;
}

/** The inputs one image is run as: itself, plus its flips under `flips`. */
export function ttaVariants(mode: TtaMode, pixels: Uint8Array, width: number, height: number): Uint8Array[] {
  if (mode === 'off') return [pixels];
  return [pixels, flip(pixels, width, height, true, false), flip(pixels, width, height, false, true), flip(pixels, width, height, true, true)];
}

/** Probabilities of each run (softmax first for a logits model), averaged; queue time of the longest wait, inference time summed. */
export function meanProbabilities(results: readonly InferResult[], logits: boolean): { probabilities: Float64Array; queueMs: number; inferMs: number } {
  const probabilities = new Float64Array(results[0]!.output.length);
  for (const { output } of results) {
    const p = logits ? softmax(output) : output;
    for (let i = 0; i < p.length; i++) probabilities[i]! += p[i]! / results.length;
  }
  return {
    probabilities,
    queueMs: Math.max(...results.map((r) => r.queueMs)),
    inferMs: results.reduce((a, r) => a + r.inferMs, 0),
  };
}
