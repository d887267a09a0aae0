const ICC_TAG = new TextEncoder().encode('ICC_PROFILE\0');
const SOS = 0xda;
const EOI = 0xd9;
const APP2 = 0xe2;

/** Markers without a length field: TEM and the restart markers. */
function standalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * Whether a JPEG embeds an ICC profile (an APP2 segment tagged ICC_PROFILE) before its first scan:
 * libvips converts such an image to sRGB through the profile, so only libvips may decode it. A
 * malformed marker sequence answers false; the decoder then meets the same malformation.
 */
export function hasIccProfile(jpeg: Uint8Array): boolean {
  let at = 2; // after SOI
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xff) at += 1; // fill byte
    else if (marker === SOS || marker === EOI) return false;
    else if (standalone(marker)) at += 2;
    else {
      if (marker === APP2 && ICC_TAG.every((byte, i) => jpeg[at + 4 + i] === byte)) return true;
      at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
    }
  }
  return false;
}
