/** Damaged copies of real images, as a flaky link or disk would leave them. */

/**
 * The JPEG with 64 bytes of its entropy-coded scan scrambled half-way through (0xff avoided, so
 * no marker appears): libjpeg decodes past it with the warning "premature end of data segment".
 */
export function damageJpegScan(jpeg: Uint8Array): Uint8Array {
  let sos = 2;
  while (sos + 1 < jpeg.length && !(jpeg[sos] === 0xff && jpeg[sos + 1] === 0xda)) sos++;
  if (sos + 1 >= jpeg.length) throw new RangeError('no start-of-scan marker');
  const damaged = Uint8Array.from(jpeg);
  const middle = Math.floor((sos + jpeg.length) / 2);
  for (let i = middle; i < middle + 64; i++) {
    const scrambled = damaged[i]! ^ 0x5a;
    damaged[i] = scrambled === 0xff ? 0 : scrambled;
  }
  return damaged;
}
