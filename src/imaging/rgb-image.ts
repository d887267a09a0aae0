/** Decoded pixels: 8-bit RGB, row-major HWC, no row padding (data.length === width * height * 3). */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** The damage the decoder read past (empty unless damaged images are accepted). */
  readonly warnings: readonly string[];
}
