import { crc32, deflateSync } from 'node:zlib';

/** Builds PNG files chunk by chunk, for inputs no encoder writes. */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data, CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** IHDR for 8-bit RGB, no interlace. */
export function rgbHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return pngChunk('IHDR', ihdr);
}

/** A PNG whose header claims width x height: a few hundred bytes that would decode to gigabytes. */
export function pngPixelBomb(width: number, height: number): Buffer {
  return Buffer.concat([
    SIGNATURE,
    rgbHeader(width, height),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface TextBombSpec {
  /** How many text chunks. */
  chunks: number;
  /** What each inflates to, in bytes (zlib compresses a run of one byte about 1000:1). */
  inflatedBytes: number;
  kind: 'zTXt' | 'iTXt';
}

/**
 * A valid 16x16 grey PNG carrying compressed text chunks: small on the wire, gigabytes when a
 * decoder inflates the text while reading the header.
 */
export function pngTextBomb({ chunks, inflatedBytes, kind }: TextBombSpec): Buffer {
  const side = 16;
  const text = deflateSync(Buffer.alloc(inflatedBytes, 0x61), { level: 9 });
  const parts = [SIGNATURE, rgbHeader(side, side)];
  for (let i = 0; i < chunks; i++) {
    const keyword = Buffer.from(`Comment${i}\0`, 'latin1');
    // zTXt: keyword, method 0, data. iTXt: keyword, compressed flag 1, method 0, empty language and translated keyword.
    const head = kind === 'zTXt' ? Buffer.from([0]) : Buffer.from([1, 0, 0, 0]);
    parts.push(pngChunk(kind, Buffer.concat([keyword, head, text])));
  }
  const rows = Buffer.alloc((side * 3 + 1) * side, 0x80);
  for (let y = 0; y < side; y++) rows[y * (side * 3 + 1)] = 0; // filter type None
  parts.push(pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
