/** Builds BMP files byte by byte, to test the reader on variants no fixture has. */
export interface BmpSpec {
  width: number;
  height: number;
  /** RGB HWC, top row first. */
  rgb: Uint8Array;
  bitCount?: 24 | 32;
  /** 40 (BITMAPINFOHEADER), 52, 56, 108 (V4) or 124 (V5). */
  infoSize?: number;
  topDown?: boolean;
  /** BI_BITFIELDS with these contiguous red, green, blue masks (32-bit only). */
  masks?: [number, number, number];
  /** Bytes between the headers and the pixel array (e.g. an optional colour table). */
  gap?: number;
}

export function writeBmp(spec: BmpSpec): Uint8Array {
  const { width, height, rgb, bitCount = 24, infoSize = 40, topDown = false, masks, gap = 0 } = spec;
  const bpp = bitCount / 8;
  const stride = Math.ceil((width * bpp) / 4) * 4;
  const masksAfterHeader = masks && infoSize === 40 ? 12 : 0;
  const offset = 14 + infoSize + masksAfterHeader + gap;
  const bytes = new Uint8Array(offset + stride * height);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, infoSize, true);
  view.setInt32(18, width, true);
  view.setInt32(22, topDown ? -height : height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bitCount, true);
  view.setUint32(30, masks ? 3 : 0, true);
  view.setUint32(34, stride * height, true);
  if (masks) masks.forEach((mask, i) => view.setUint32(54 + 4 * i, mask, true));
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = [0, 1, 2].map((c) => rgb[(y * width + x) * 3 + c]!) as [number, number, number];
      const at = row + x * bpp;
      if (masks) {
        // Widen or narrow each 8-bit value to its mask's width, then shift it into place.
        const pack = (value: number, mask: number) => {
          const shift = 31 - Math.clz32(mask & -mask);
          return (Math.round((value * (mask >>> shift)) / 255) << shift) >>> 0;
        };
        view.setUint32(at, (pack(r, masks[0]) | pack(g, masks[1]) | pack(b, masks[2])) >>> 0, true);
      } else {
        bytes.set([b, g, r], at);
        if (bpp === 4) bytes[at + 3] = 0x7f; // an alpha/unused byte the reader must drop
      }
    }
  }
  return bytes;
}
