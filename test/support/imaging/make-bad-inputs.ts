// Writes test/fixtures/bad-inputs/: one file per kind of bad upload and manifest.json mapping each
// to the imaging error code it must get (with the service's default MAX_PIXELS) and a description.
//   npx tsx test/support/imaging/make-bad-inputs.ts
// Made from a real fixture (a BCCD smear, shrunk to 64x48) so that every file is a real image
// broken in one way. Rerun after changing the list; the files are committed.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ImagingErrorCode } from '../../../src/imaging/index.js';
import { writeBmp } from './bmp-writer.js';
import { damageJpegScan } from './damage.js';
import { pngChunk, pngPixelBomb } from './png-writer.js';

export interface BadInput {
  file: string;
  code: ImagingErrorCode;
  description: string;
}

export const BAD_INPUTS_DIR = path.resolve(import.meta.dirname, '../../fixtures/bad-inputs');
/** The options the manifest's codes hold for (the service's defaults). */
export const BAD_INPUTS_MAX_PIXELS = 40_000_000;

const source = path.resolve(import.meta.dirname, '../../fixtures/images/bccd/BloodImage_00030.jpg');
const width = 64;
const height = 48;

/** A copy with `edit` applied to a DataView of it. */
function patched(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = Uint8Array.from(bytes);
  edit(new DataView(copy.buffer));
  return copy;
}

function offsetOf(bytes: Uint8Array, marker: ArrayLike<number>, from = 0): number {
  for (let i = from; i + marker.length <= bytes.length; i++) if (Array.from(marker).every((b, j) => bytes[i + j] === b)) return i;
  throw new RangeError(`marker ${Array.from(marker).join(",")} not found`);
}

const ascii = (text: string) => new TextEncoder().encode(text);

async function make(): Promise<[BadInput, Uint8Array][]> {
  const rgb = await sharp(source).resize(width, height).raw().toBuffer();
  const raw = () => sharp(rgb, { raw: { width, height, channels: 3 } });
  const jpeg = await raw().jpeg({ quality: 90 }).toBuffer();
  const png = await raw().png().toBuffer();
  const tiff = await raw().tiff({ compression: 'lzw' }).toBuffer();
  const webp = await raw().webp({ quality: 80 }).toBuffer();
  const bmp = writeBmp({ width, height, rgb });
  const sof = offsetOf(jpeg, [0xff, 0xc0]);
  const idat = offsetOf(png, ascii('IDAT')) - 4;
  const entries: [string, ImagingErrorCode, string, Uint8Array][] = [
    // Not a supported format
    ['empty.bin', 'UNSUPPORTED_IMAGE_FORMAT', 'zero bytes', new Uint8Array(0)],
    ['gif.gif', 'UNSUPPORTED_IMAGE_FORMAT', 'a real GIF', await raw().gif().toBuffer()],
    ['html.html', 'UNSUPPORTED_IMAGE_FORMAT', 'an HTML error page uploaded as an image', ascii('<html><body>502 Bad Gateway</body></html>')],
    ['pdf.pdf', 'UNSUPPORTED_IMAGE_FORMAT', 'the start of a PDF', ascii('%PDF-1.7\n%\xe2\xe3\n')],
    ['avif-header.avif', 'UNSUPPORTED_IMAGE_FORMAT', 'an AVIF file type box', Uint8Array.from([0, 0, 0, 0x1c, ...ascii('ftypavif')])],
    ['random.bin', 'UNSUPPORTED_IMAGE_FORMAT', '64 bytes of noise', Uint8Array.from({ length: 64 }, (_, i) => (i * 2654435761) >>> 24)],
    ['jpeg-soi-two-bytes.jpg', 'UNSUPPORTED_IMAGE_FORMAT', 'only the two-byte JPEG start-of-image marker', jpeg.subarray(0, 2)],
    ['bmp-8bit-palette.bmp', 'UNSUPPORTED_IMAGE_FORMAT', 'BMP header declaring an 8-bit palette', patched(bmp, (v) => v.setUint16(28, 8, true))],
    ['bmp-16bit.bmp', 'UNSUPPORTED_IMAGE_FORMAT', 'BMP header declaring 16 bits a pixel', patched(bmp, (v) => v.setUint16(28, 16, true))],
    ['bmp-rle8.bmp', 'UNSUPPORTED_IMAGE_FORMAT', 'BMP header declaring RLE8 compression', patched(bmp, (v) => v.setUint32(30, 1, true))],
    ['bmp-os2.bmp', 'UNSUPPORTED_IMAGE_FORMAT', 'OS/2 BMP (12-byte core header)', patched(bmp, (v) => v.setUint32(14, 12, true))],
    // Recognised but undecodable, or decodable only with damage
    ['jpeg-header-only.jpg', 'CORRUPT_IMAGE', 'JPEG cut after its first 100 bytes', jpeg.subarray(0, 100)],
    ['jpeg-cut-half.jpg', 'CORRUPT_IMAGE', 'JPEG cut in the middle of its scan', jpeg.subarray(0, jpeg.length >> 1)],
    ['jpeg-damaged-scan.jpg', 'CORRUPT_IMAGE', 'JPEG whose scan is scrambled half-way: libjpeg decodes it with a warning', damageJpegScan(jpeg)],
    ['jpeg-zero-width.jpg', 'CORRUPT_IMAGE', 'JPEG whose frame header says 0 pixels wide', patched(jpeg, (v) => v.setUint16(sof + 7, 0))],
    ['jpeg-no-scan.jpg', 'CORRUPT_IMAGE', 'JPEG headers followed directly by end-of-image', Uint8Array.from([...jpeg.subarray(0, offsetOf(jpeg, [0xff, 0xda])), 0xff, 0xd9])],
    ['png-cut-half.png', 'CORRUPT_IMAGE', 'PNG cut in the middle of its image data', png.subarray(0, png.length >> 1)],
    ['png-signature-junk.png', 'CORRUPT_IMAGE', 'PNG signature followed by junk', Uint8Array.from([...png.subarray(0, 8), ...new Array<number>(64).fill(7)])],
    ['png-zero-width.png', 'CORRUPT_IMAGE', 'PNG whose IHDR says 0 pixels wide (CRC fixed)', Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', patched(png.subarray(16, 29), (v) => v.setUint32(0, 0))), png.subarray(33)])],
    ['png-bad-bit-depth.png', 'CORRUPT_IMAGE', 'PNG whose IHDR declares bit depth 7 (CRC fixed)', Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', patched(png.subarray(16, 29), (v) => v.setUint8(8, 7))), png.subarray(33)])],
    ['png-idat-not-zlib.png', 'CORRUPT_IMAGE', 'PNG whose image data is not zlib (CRC fixed)', Buffer.concat([png.subarray(0, idat), pngChunk('IDAT', new Uint8Array(256).fill(0x55)), pngChunk('IEND', new Uint8Array(0))])],
    ['png-idat-bad-crc.png', 'CORRUPT_IMAGE', 'PNG whose image-data chunk fails its CRC', patched(png, (v) => v.setUint8(idat + 8 + v.getUint32(idat), v.getUint8(idat + 8 + v.getUint32(idat)) ^ 0xff))],
    ['tiff-header-only.tif', 'CORRUPT_IMAGE', 'TIFF cut after its 8-byte header', tiff.subarray(0, 8)],
    ['tiff-bad-ifd-offset.tif', 'CORRUPT_IMAGE', 'TIFF whose first directory offset points past the end', patched(tiff, (v) => v.setUint32(4, 0x7fffffff, tiff[0] === 0x49))],
    ['tiff-cut-half.tif', 'CORRUPT_IMAGE', 'TIFF cut in the middle', tiff.subarray(0, tiff.length >> 1)],
    ['webp-no-image.webp', 'CORRUPT_IMAGE', 'WebP container holding no image', ascii('RIFF\x10\x00\x00\x00WEBPVP8 junkjunk')],
    ['webp-cut-half.webp', 'CORRUPT_IMAGE', 'WebP cut in the middle', webp.subarray(0, webp.length >> 1)],
    ['bmp-header-only.bmp', 'CORRUPT_IMAGE', 'BMP cut inside its info header', bmp.subarray(0, 30)],
    ['bmp-short-pixels.bmp', 'CORRUPT_IMAGE', 'BMP whose pixel data is shorter than its header says', bmp.subarray(0, bmp.length - 1000)],
    ['bmp-zero-width.bmp', 'CORRUPT_IMAGE', 'BMP whose header says 0 pixels wide', patched(bmp, (v) => v.setInt32(18, 0, true))],
    ['bmp-bad-info-size.bmp', 'CORRUPT_IMAGE', 'BMP with an unknown 41-byte info header', patched(bmp, (v) => v.setUint32(14, 41, true))],
    ['bmp-offset-in-headers.bmp', 'CORRUPT_IMAGE', 'BMP whose pixel data offset lies inside its headers', patched(bmp, (v) => v.setUint32(10, 20, true))],
    ['bmp-two-planes.bmp', 'CORRUPT_IMAGE', 'BMP declaring 2 colour planes', patched(bmp, (v) => v.setUint16(26, 2, true))],
    // Pixel bombs: refused from the header
    ['png-100000x100000.png', 'IMAGE_TOO_LARGE', 'PNG of a few hundred bytes claiming 100000x100000 pixels', pngPixelBomb(100_000, 100_000)],
    ['bmp-100000x100000.bmp', 'IMAGE_TOO_LARGE', 'BMP header claiming 100000x100000 pixels', patched(bmp.subarray(0, 54), (v) => { v.setInt32(18, 100_000, true); v.setInt32(22, -100_000, true); })],
    ['jpeg-65000x65000.jpg', 'IMAGE_TOO_LARGE', 'JPEG whose frame header claims 65000x65000 pixels', patched(jpeg, (v) => { v.setUint16(sof + 5, 65_000); v.setUint16(sof + 7, 65_000); })],
  ];
  return entries.map(([file, code, description, bytes]) => [{ file, code, description }, bytes]);
}

const inputs = await make();
await rm(BAD_INPUTS_DIR, { recursive: true, force: true });
await mkdir(BAD_INPUTS_DIR, { recursive: true });
for (const [{ file }, bytes] of inputs) await writeFile(path.join(BAD_INPUTS_DIR, file), bytes);
const manifest = { maxPixels: BAD_INPUTS_MAX_PIXELS, inputs: inputs.map(([entry]) => entry) };
await writeFile(path.join(BAD_INPUTS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${inputs.length} bad inputs written to ${BAD_INPUTS_DIR}`);
