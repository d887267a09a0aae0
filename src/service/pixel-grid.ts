/**
 * Float pixels on the u8 grid of the model's scaling: a client's f32 tensor in [-1, 1] made from u8
 * pixels ((u - mean) / scale, computed in whatever float order) lands within float rounding of a
 * grid point. Snapped back to u8, it takes the service's own path (the model scales on the device),
 * so it gets exactly the scores of the same image sent to /classify.
 */

/** Farther than float32 rounding of a value in [-1, 1] can stray (a few ulps of 1), far below the grid step 2/255. */
const ON_GRID = 2 ** -20;

/** The u8 pixels `values` came from, or null when any value is off the grid (or outside [0, 255] on it). */
export function toPixelGrid(values: Float32Array, mean: number, scale: number): Uint8Array | null {
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const u = Math.round(x * scale + mean);
    if (!(u >= 0 && u <= 255) || Math.abs(x - (u - mean) / scale) > ON_GRID) return null;
    pixels[i] = u;
  }
  return pixels;
}
