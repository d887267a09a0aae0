import { UNDEFINED_ESTIMATE, type Estimate } from './proportion.js';

/** mulberry32: a small seeded generator, so the same images always give the same interval. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

export const BOOTSTRAP_DEFAULTS: BootstrapOptions = { resamples: 2000, seed: 13 };

function resample<T>(items: readonly T[], random: () => number): T[] {
  return items.map(() => items[Math.floor(random() * items.length)]!);
}

/**
 * A statistic of two groups (positives, negatives) with a seeded stratified percentile bootstrap
 * interval: each resample draws each group with replacement at its own size, so the prevalence
 * stays that of the data. Resamples where the statistic is undefined (null) are left out.
 */
export function stratifiedBootstrap<T>(
  positives: readonly T[],
  negatives: readonly T[],
  statistic: (positives: readonly T[], negatives: readonly T[]) => number | null,
  options: BootstrapOptions = BOOTSTRAP_DEFAULTS,
): Estimate {
  const value = statistic(positives, negatives);
  if (value === null) return UNDEFINED_ESTIMATE;
  const random = seededRandom(options.seed);
  const values: number[] = [];
  for (let i = 0; i < options.resamples; i++) {
    const v = statistic(resample(positives, random), resample(negatives, random));
    if (v !== null) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))]!;
  return values.length === 0 ? { value, low: null, high: null } : { value, low: at(0.025), high: at(0.975) };
}
