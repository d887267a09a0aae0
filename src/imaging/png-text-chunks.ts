// libvips' PNG loader (libspng) inflates every zTXt/iTXt chunk while reading the header, and sharp
// has no option to skip them (a 1 MB PNG of compressed text cost seconds and gigabytes: README,
// "Damaged and hostile images"). Text never changes the pixels, so these chunks never reach libvips.
const TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt']);
const SIGNATURE = 8;

/**
 * The PNG without its text chunks (the same array when it has none). Walks chunk headers only;
 * from a chunk whose length runs past the end on, the bytes are kept as they are for libvips to judge.
 */
export function withoutTextChunks(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const kept: Uint8Array[] = [png.subarray(0, SIGNATURE)];
  let removed = false;
  let at = SIGNATURE;
  while (at + 8 <= png.length) {
    const end = at + 12 + view.getUint32(at);
    if (end > png.length) break;
    const type = String.fromCharCode(png[at + 4]!, png[at + 5]!, png[at + 6]!, png[at + 7]!);
    if (TEXT_CHUNKS.has(type)) removed = true;
    else kept.push(png.subarray(at, end));
    at = end;
  }
  if (!removed) return png;
  kept.push(png.subarray(at));
  return Buffer.concat(kept);
}
