/** The normal quantile of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** A point estimate with its 95 % confidence interval; null where the denominator is 0 (undefined). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

export const UNDEFINED_ESTIMATE: Estimate = { value: null, low: null, high: null };

/** k of n, with Wilson's score interval (Wilson 1927; Newcombe 1998, method 3): sound near 0 and 1 and for small n. */
export function wilson(k: number, n: number, z = Z95): Estimate {
  if (n === 0) return UNDEFINED_ESTIMATE;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
