import { BILINEAR_WASM } from './bilinear-wasm.js';
import type { CropBox } from './central-crop.js';
import { ImagePipelineError } from './errors.js';

const CHANNELS = 3;

/** What the kernel exports (its AssemblyScript source, wasm/bilinear.ts, documents each). */
interface BilinearKernel {
  readonly memory: WebAssembly.Memory;
  lerpRow(src: number, left: number, right: number, weight: number, count: number, into: number): void;
  blendRows(top: number, bottom: number, dy: number, length: number, out: number): void;
}

/**
 * One instance per thread, its memory reused by every call: it grows to the largest call's need
 * (a few hundred kB: the output, two lerped rows and one source row) and stays there.
 */
const kernel = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(BILINEAR_WASM, 'base64'))).exports as unknown as BilinearKernel;

/** Per output index along one axis, TF's legacy mapping: the two source indices and the weight of the second. */
function axisTap(inSize: number, scale: number, o: number): { lo: number; hi: number; frac: number } {
  const x = o * scale;
  const lo = Math.floor(x);
  return { lo, hi: Math.min(lo + 1, inSize - 1), frac: x - lo };
}

/** Byte offsets of the kernel's areas in its memory; each vector area starts 16-byte aligned and is padded as bilinear.ts says. */
function layout(box: CropBox, outWidth: number, outHeight: number) {
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const rowLength = outWidth * CHANNELS;
  const floatRowBytes = (align(rowLength) + 4) * 4;
  const left = 0;
  const right = align(left + outWidth * 4);
  const weight = align(right + outWidth * 4);
  const source = align(weight + outWidth * 4);
  const top = align(source + box.width * CHANNELS + 1);
  const bottom = top + floatRowBytes;
  const out = bottom + floatRowBytes;
  return { left, right, weight, source, top, bottom, out, end: out + outHeight * rowLength + 16 };
}

/**
 * tf.compat.v1.image.resize_bilinear(align_corners=False) of `box` (the whole image by default)
 * of a packed u8 RGB image, rounded to u8: source = dst * in/out, no half-pixel centres, the
 * second tap clamped at the far edge.
 *
 * TF's formula (top and bottom lerped along x, then the two along y) computed separably by the
 * WebAssembly kernel: each source row is lerped along x once and kept while the output rows that
 * use it are made, since enlarging reuses each source row for up to three output rows.
 */
export function resizeBilinear(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  box: CropBox = { left: 0, top: 0, width, height },
): Uint8Array {
  if (box.left < 0 || box.top < 0 || box.left + box.width > width || box.top + box.height > height || src.length < width * height * CHANNELS) {
    throw new ImagePipelineError(`crop ${box.width}x${box.height}+${box.left}+${box.top} does not fit a ${width}x${height} RGB image of ${src.length} bytes`);
  }
  const at = layout(box, outWidth, outHeight);
  const { memory } = kernel;
  if (memory.buffer.byteLength < at.end) memory.grow(Math.ceil((at.end - memory.buffer.byteLength) / 65_536));
  // Views made after growing: growth detaches the old buffer.
  const bytes = new Uint8Array(memory.buffer);
  const left = new Int32Array(memory.buffer, at.left, outWidth);
  const right = new Int32Array(memory.buffer, at.right, outWidth);
  const weight = new Float32Array(memory.buffer, at.weight, outWidth);
  const xScale = box.width / outWidth;
  for (let x = 0; x < outWidth; x++) {
    const { lo, hi, frac } = axisTap(box.width, xScale, x);
    left[x] = lo * CHANNELS;
    right[x] = hi * CHANNELS;
    weight[x] = frac;
  }
  const stride = width * CHANNELS;
  const boxRow = box.width * CHANNELS;
  const lerp = (row: number, into: number) => {
    const start = (box.top + row) * stride + box.left * CHANNELS;
    bytes.set(src.subarray(start, start + boxRow), at.source);
    kernel.lerpRow(at.source, at.left, at.right, at.weight, outWidth, into);
  };
  const rowLength = outWidth * CHANNELS;
  const yScale = box.height / outHeight;
  let top = at.top;
  let bottom = at.bottom;
  let topRow = -1;
  let bottomRow = -1;
  for (let y = 0; y < outHeight; y++) {
    const { lo, hi, frac } = axisTap(box.height, yScale, y);
    if (topRow !== lo) {
      if (bottomRow === lo) {
        [top, bottom] = [bottom, top];
        bottomRow = -1;
      } else lerp(lo, top);
      topRow = lo;
    }
    if (bottomRow !== hi) {
      lerp(hi, bottom);
      bottomRow = hi;
    }
    kernel.blendRows(top, bottom, frac, rowLength, at.out + y * rowLength);
  }
  return bytes.slice(at.out, at.out + outHeight * rowLength);
}
