/** A rectangle of an image, in pixels. */
export interface CropBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Arithmetic of tf.image.central_crop: start = int((size - size * fraction) / 2), size - 2 * start kept. */
export function centralCrop(width: number, height: number, fraction: number): CropBox {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`central fraction must be in (0, 1], got ${fraction}`);
  // Float64 like TF's (Python float / tf.float64) and truncation like its int cast.
  const left = Math.trunc((width - width * fraction) / 2);
  const top = Math.trunc((height - height * fraction) / 2);
  return { left, top, width: width - 2 * left, height: height - 2 * top };
}
