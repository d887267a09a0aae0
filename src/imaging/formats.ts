/** Magic bytes at a fixed offset; null matches any byte. */
export interface Signature {
  readonly offset: number;
  readonly bytes: readonly (number | null)[];
}

export interface FormatSpec {
  /** Short name, for messages ("corrupt PNG image: ..."). */
  readonly name: string;
  /** What the service reads of the format, for clients ("24/32-bit BMP"). */
  readonly description: string;
  readonly mediaType: string;
  /** sharp (libvips), or the strict reader in bmp.ts (libvips has no BMP loader). */
  readonly decoder: 'libvips' | 'bmp-reader';
  /** Recognised by any of these, from the bytes alone. */
  readonly signatures: readonly Signature[];
}

export const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** The one table of supported formats: sniffing, messages and the HTTP layer's media types derive from it. */
export const FORMATS = {
  jpeg: {
    name: 'JPEG',
    description: 'JPEG',
    mediaType: 'image/jpeg',
    decoder: 'libvips',
    signatures: [{ offset: 0, bytes: [0xff, 0xd8, 0xff] }],
  },
  png: {
    name: 'PNG',
    description: 'PNG',
    mediaType: 'image/png',
    decoder: 'libvips',
    signatures: [{ offset: 0, bytes: [0x89, ...ascii('PNG\r\n\x1a\n')] }],
  },
  tiff: {
    name: 'TIFF',
    description: 'TIFF',
    mediaType: 'image/tiff',
    decoder: 'libvips',
    // Classic and BigTIFF, little- and big-endian.
    signatures: [
      { offset: 0, bytes: [...ascii('II'), 0x2a, 0x00] },
      { offset: 0, bytes: [...ascii('MM'), 0x00, 0x2a] },
      { offset: 0, bytes: [...ascii('II'), 0x2b, 0x00] },
      { offset: 0, bytes: [...ascii('MM'), 0x00, 0x2b] },
    ],
  },
  bmp: {
    name: 'BMP',
    description: '24/32-bit BMP',
    mediaType: 'image/bmp',
    decoder: 'bmp-reader',
    signatures: [{ offset: 0, bytes: ascii('BM') }],
  },
  webp: {
    name: 'WebP',
    description: 'WebP',
    mediaType: 'image/webp',
    decoder: 'libvips',
    signatures: [{ offset: 0, bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')] }],
  },
} as const satisfies Record<string, FormatSpec>;

/** The formats the service decodes. */
export type ImageFormat = keyof typeof FORMATS;

/** Table order. */
export const IMAGE_FORMATS = Object.keys(FORMATS) as ImageFormat[];

/** Content-Types a raw (non-multipart) upload may carry: each format's, then the generic one. */
export const RAW_UPLOAD_MEDIA_TYPES: readonly string[] = [...IMAGE_FORMATS.map((f) => FORMATS[f].mediaType), 'application/octet-stream'];

/** "JPEG, PNG, TIFF, WebP, 24/32-bit BMP": libvips' formats first, then those of our own readers. */
export const SUPPORTED_FORMATS_TEXT = [
  ...IMAGE_FORMATS.filter((f) => FORMATS[f].decoder === 'libvips'),
  ...IMAGE_FORMATS.filter((f) => FORMATS[f].decoder !== 'libvips'),
]
  .map((f) => FORMATS[f].description)
  .join(', ');
