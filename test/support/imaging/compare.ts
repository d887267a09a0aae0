// Comparisons of whole images that report briefly: tap's deep equality on 268,203-element arrays
// is slow and its diff on failure unreadable.

/** "identical", or how many bytes differ and the first difference. */
export function mismatch(actual: Uint8Array, expected: Uint8Array): string {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  return count === 0 ? 'identical' : `${count} of ${actual.length} bytes differ, first at ${first}: ${actual[first]} vs ${expected[first]}`;
}

/** Absolute differences between two tensors of equal length. */
export function absDiff(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}
