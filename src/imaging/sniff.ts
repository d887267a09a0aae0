import { ascii, FORMATS, IMAGE_FORMATS, type ImageFormat, type Signature } from './formats.js';

// Formats people plausibly upload that the service does not read: named in the error so the
// client learns what it sent, instead of "unknown".
const KNOWN_UNSUPPORTED: readonly (readonly [string, Signature])[] = [
  ['GIF', { offset: 0, bytes: ascii('GIF8') }],
  ['PDF', { offset: 0, bytes: ascii('%PDF') }],
  ['AVIF', { offset: 4, bytes: ascii('ftypavi') }],
  ['HEIF', { offset: 4, bytes: ascii('ftyphei') }],
  ['HEIF', { offset: 4, bytes: ascii('ftypmif1') }],
  ['JPEG 2000', { offset: 0, bytes: [0x00, 0x00, 0x00, 0x0c, ...ascii('jP  ')] }],
  ['JPEG 2000', { offset: 0, bytes: [0xff, 0x4f, 0xff, 0x51] }],
  ['JPEG XL', { offset: 0, bytes: [0xff, 0x0a] }],
  ['JPEG XL', { offset: 0, bytes: [0x00, 0x00, 0x00, 0x0c, ...ascii('JXL ')] }],
  ['ICO', { offset: 0, bytes: [0x00, 0x00, 0x01, 0x00] }],
  ['Photoshop PSD', { offset: 0, bytes: ascii('8BPS') }],
  ['DICOM', { offset: 128, bytes: ascii('DICM') }],
  ['SVG/XML/HTML text', { offset: 0, bytes: ascii('<') }],
  ['SVG/XML/HTML text', { offset: 0, bytes: [0xef, 0xbb, 0xbf, ...ascii('<')] }],
];

function matches(bytes: Uint8Array, { offset, bytes: expected }: Signature): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((b, i) => b === null || bytes[offset + i] === b);
}

/** The image format, from magic bytes only (never a file name or Content-Type). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  return IMAGE_FORMATS.find((format) => FORMATS[format].signatures.some((s) => matches(bytes, s))) ?? null;
}

/** Names what unsupported bytes look like, for UnsupportedFormatError. */
export function describeUnsupported(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty input';
  const known = KNOWN_UNSUPPORTED.find(([, signature]) => matches(bytes, signature));
  if (known) return known[0];
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `unknown, first bytes ${head}`;
}
