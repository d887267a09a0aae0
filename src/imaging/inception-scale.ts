/**
 * The documented [0, 255] -> [lo, hi] mapping, x / 255 * (hi - lo) + lo, written as (x - mean) / scale:
 * the form OpenVINO's preprocessing (mean/scale steps) applies inside the model.
 */
export function inceptionScale(range: [number, number]): { mean: number; scale: number } {
  const [lo, hi] = range;
  if (!(hi > lo)) throw new RangeError(`range must be [lo, hi] with hi > lo, got [${lo}, ${hi}]`);
  const scale = 255 / (hi - lo);
  return { mean: -lo * scale, scale };
}
