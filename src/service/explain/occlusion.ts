/** Occlusion sensitivity (Zeiler & Fergus 2014): how much the predicted label's score drops when a grey patch hides each part of the input. */

export interface OcclusionOptions {
  /** Side of the square grey patch, in input pixels. */
  patch: number;
  /** Step between patch positions, in input pixels. */
  stride: number;
}

export const OCCLUSION_DEFAULTS: OcclusionOptions = { patch: 48, stride: 24 };

/** The grey of the patch: 128 in u8 is 0 (the data's mean) once the model scales [0,255] to [-1,1]. */
export const OCCLUSION_GREY = 128;

/** Patch positions along each side and the inferences they take (one per position, plus the image itself). */
export interface OcclusionGrid {
  rows: number;
  cols: number;
  inferences: number;
}

export function occlusionGrid(width: number, height: number, { patch, stride }: OcclusionOptions): OcclusionGrid {
  if (!Number.isSafeInteger(patch) || patch < 1 || patch > Math.min(width, height)) throw new RangeError(`patch must be a whole number from 1 to ${Math.min(width, height)}, got ${patch}`);
  if (!Number.isSafeInteger(stride) || stride < 1) throw new RangeError(`stride must be a positive whole number, got ${stride}`);
  const rows = Math.floor((height - patch) / stride) + 1;
  const cols = Math.floor((width - patch) / stride) + 1;
  return { rows, cols, inferences: rows * cols + 1 };
}

/** The model input: HWC u8 RGB. */
export interface OcclusionInput {
  pixels: Uint8Array;
  width: number;
  height: number;
}

export interface OcclusionMap extends OcclusionGrid {
  /** Probabilities of the unoccluded image. */
  base: Float64Array;
  /** Index of the predicted (top) label. */
  labelIndex: number;
  /** grid[row][col]: the drop of the predicted label's score with the patch at (row*stride, col*stride); > 0 = the region supported the label. */
  grid: number[][];
}

/**
 * Runs the image, then each occluded variant, with at most `maxInFlight` variants waiting or
 * running at a time: the inference queue is FIFO, so other clients' images queued meanwhile wait
 * behind at most `maxInFlight` variants, not behind the whole explanation. One buffer per slot.
 */
export async function occlusionMap(
  input: OcclusionInput,
  options: OcclusionOptions,
  probabilities: (pixels: Uint8Array) => Promise<Float64Array>,
  maxInFlight: number,
): Promise<OcclusionMap> {
  const { pixels, width, height } = input;
  const { patch, stride } = options;
  const grid = occlusionGrid(width, height, options);
  const base = await probabilities(pixels);
  let labelIndex = 0;
  for (let i = 1; i < base.length; i++) if (base[i]! > base[labelIndex]!) labelIndex = i;
  const drops: number[][] = Array.from({ length: grid.rows }, () => new Array<number>(grid.cols).fill(0));
  let next = 0;
  const slot = async () => {
    const buffer = new Uint8Array(pixels.length);
    for (let position = next++; position < grid.rows * grid.cols; position = next++) {
      const row = Math.floor(position / grid.cols);
      const col = position % grid.cols;
      buffer.set(pixels);
      for (let y = row * stride; y < row * stride + patch; y++) buffer.fill(OCCLUSION_GREY, (y * width + col * stride) * 3, (y * width + col * stride + patch) * 3);
      const occluded = await probabilities(buffer);
      drops[row]![col] = base[labelIndex]! - occluded[labelIndex]!;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(maxInFlight, grid.rows * grid.cols)) }, slot));
  return { ...grid, base, labelIndex, grid: drops };
}
