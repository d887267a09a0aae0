import { CorruptImageError, ImageTooLargeError, UnsupportedFormatError } from './errors.js';
import type { RgbImage } from './rgb-image.js';

// A strict Windows BMP reader for what microscopy exports write (C-NMC is 24-bit BI_RGB):
// 24/32-bit, BI_RGB or BI_BITFIELDS, info headers of 40/52/56/108/124 bytes, bottom-up or top-down.
// Written here because sharp (libvips) cannot read BMP and the npm decoders (bmp-js, bmp-ts) read
// the height as unsigned (top-down files break), ignore bfOffBits and allocate before any check.

const FILE_HEADER = 14;
const INFO_HEADER_SIZES = new Set([40, 52, 56, 108, 124]); // BITMAPINFOHEADER, V2, V3, V4, V5
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHA_BITFIELDS = 6;
const UNSUPPORTED_COMPRESSION: Readonly<Record<number, string>> = {
  1: 'RLE8 compression',
  2: 'RLE4 compression',
  4: 'embedded JPEG',
  5: 'embedded PNG',
};

/** Where one channel sits in a pixel word, and how to widen it to 8 bits. */
interface Channel {
  readonly mask: number;
  readonly shift: number;
  readonly scale: number;
}

function corrupt(reason: string): CorruptImageError {
  return new CorruptImageError('BMP', reason);
}

function channel(name: string, mask: number): Channel {
  if (mask === 0) throw corrupt(`${name} bit mask is empty`);
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  if ((max & (max + 1)) !== 0) throw corrupt(`${name} bit mask 0x${mask.toString(16)} is not contiguous`);
  return { mask, shift, scale: 255 / max };
}

/** The red, green and blue masks: inside V2+ headers or right after a 40-byte one, so at one offset. */
function bitfields(view: DataView): [Channel, Channel, Channel] {
  const at = FILE_HEADER + 40;
  if (at + 12 > view.byteLength) throw corrupt('truncated before the BI_BITFIELDS masks');
  const masks = [0, 4, 8].map((o) => view.getUint32(at + o, true)) as [number, number, number];
  const [r, g, b] = masks;
  if ((r & g) !== 0 || (r & b) !== 0 || (g & b) !== 0) throw corrupt('overlapping BI_BITFIELDS masks');
  return [channel('red', r), channel('green', g), channel('blue', b)];
}

/**
 * Decodes a 24/32-bit BMP. A pixel array shorter than the header says is refused, or with
 * `acceptDamaged` read with the missing pixels black and a warning naming the damage.
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number, acceptDamaged = false): RgbImage {
  let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < FILE_HEADER + 4) throw corrupt(`truncated header (${bytes.length} bytes)`);
  // bfSize and the reserved words are not checked: writers often get them wrong, and the
  // pixel-array bounds check below is what guards the reads.
  const pixelOffset = view.getUint32(10, true);
  const infoSize = view.getUint32(FILE_HEADER, true);
  if (infoSize === 12 || infoSize === 64) throw new UnsupportedFormatError('OS/2 BMP');
  if (!INFO_HEADER_SIZES.has(infoSize)) throw corrupt(`unknown info header size ${infoSize}`);
  if (bytes.length < FILE_HEADER + infoSize) throw corrupt(`truncated ${infoSize}-byte info header`);

  const width = view.getInt32(FILE_HEADER + 4, true);
  const rawHeight = view.getInt32(FILE_HEADER + 8, true);
  const planes = view.getUint16(FILE_HEADER + 12, true);
  const bitCount = view.getUint16(FILE_HEADER + 14, true);
  const compression = view.getUint32(FILE_HEADER + 16, true);
  // biSizeImage (may legally be 0), resolution and colour-space fields are advisory: unused.
  if (width <= 0) throw corrupt(`width ${width}`);
  if (rawHeight === 0 || rawHeight === -0x80000000) throw corrupt(`height ${rawHeight}`);
  if (planes !== 1) throw corrupt(`${planes} colour planes (must be 1)`);
  if (bitCount === 1 || bitCount === 4 || bitCount === 8) {
    throw new UnsupportedFormatError(`BMP with ${bitCount}-bit palette`);
  }
  if (bitCount === 16) throw new UnsupportedFormatError('16-bit BMP');
  if (bitCount !== 24 && bitCount !== 32) throw corrupt(`${bitCount} bits per pixel`);
  const unsupported = UNSUPPORTED_COMPRESSION[compression];
  if (unsupported !== undefined) throw new UnsupportedFormatError(`BMP with ${unsupported}`);
  const masked = compression === BI_BITFIELDS || compression === BI_ALPHA_BITFIELDS;
  if (compression !== BI_RGB && !masked) throw corrupt(`unknown compression ${compression}`);
  if (masked && bitCount !== 32) throw corrupt(`BI_BITFIELDS with ${bitCount} bits per pixel`);

  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width * height > maxPixels) throw new ImageTooLargeError(width, height, maxPixels);

  const masksAfterHeader = !masked || infoSize > 40 ? 0 : compression === BI_ALPHA_BITFIELDS ? 16 : 12;
  const headersEnd = FILE_HEADER + infoSize + masksAfterHeader;
  const [red, green, blue] = masked ? bitfields(view) : [];
  if (pixelOffset < headersEnd) throw corrupt(`pixel data offset ${pixelOffset} lies inside the headers`);
  const bytesPerPixel = bitCount / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  // The last row's padding may be missing: some writers drop it.
  const needed = pixelOffset + stride * (height - 1) + width * bytesPerPixel;
  const warnings: string[] = [];
  if (needed > bytes.length) {
    const damage = `truncated: ${width}x${height} pixels need ${needed} bytes, the file has ${bytes.length}`;
    if (!acceptDamaged) throw corrupt(damage);
    warnings.push(`damaged BMP image: ${damage}; the missing pixels are black`);
    // Bounded: the pixel count was checked above.
    const padded = new Uint8Array(needed);
    padded.set(bytes);
    bytes = padded;
    view = new DataView(bytes.buffer);
  }

  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    let src = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let dst = y * width * 3;
    if (red && green && blue) {
      for (let x = 0; x < width; x++, src += 4, dst += 3) {
        const px = view.getUint32(src, true);
        data[dst] = Math.round(((px & red.mask) >>> red.shift) * red.scale);
        data[dst + 1] = Math.round(((px & green.mask) >>> green.shift) * green.scale);
        data[dst + 2] = Math.round(((px & blue.mask) >>> blue.shift) * blue.scale);
      }
    } else if (bytesPerPixel === 3) {
      // BI_RGB stores B, G, R: copy the row whole, then swap blue and red (faster than per byte).
      data.set(bytes.subarray(src, src + width * 3), dst);
      for (let end = dst + width * 3; dst < end; dst += 3) {
        const b = data[dst]!;
        data[dst] = data[dst + 2]!;
        data[dst + 2] = b;
      }
    } else {
      // B, G, R and an unused (or alpha) byte, dropped.
      for (let x = 0; x < width; x++, src += 4, dst += 3) {
        data[dst] = bytes[src + 2]!;
        data[dst + 1] = bytes[src + 1]!;
        data[dst + 2] = bytes[src]!;
      }
    }
  }
  return { data, width, height, warnings };
}
