import sharp from 'sharp';
import t from 'tap';
import { hasIccProfile } from '../../src/imaging/jpeg-icc-profile.js';

const pixels = { raw: { width: 8, height: 8, channels: 3 as const } };
const grey = Buffer.alloc(8 * 8 * 3, 128);

t.test('finds an embedded ICC profile before the first scan', async (t) => {
  t.equal(hasIccProfile(await sharp(grey, pixels).withIccProfile('p3').jpeg().toBuffer()), true, 'Display P3 profile');
  t.equal(hasIccProfile(await sharp(grey, pixels).jpeg().toBuffer()), false, 'no profile');
  t.equal(hasIccProfile(await sharp(grey, pixels).withExif({ IFD0: { Copyright: 'x' } }).jpeg().toBuffer()), false, 'EXIF only');
});

t.test('reads no further than the first scan nor past a malformed marker', async (t) => {
  const plain = await sharp(grey, pixels).jpeg().toBuffer();
  const app2 = Buffer.from([0xff, 0xe2, 0x00, 0x10, ...Buffer.from('ICC_PROFILE\0'), 1, 1]);
  t.equal(hasIccProfile(Buffer.concat([plain.subarray(0, -2), app2, Buffer.from([0xff, 0xd9])])), false, 'an APP2 after the scan is data, not a header');
  t.equal(hasIccProfile(Buffer.concat([plain.subarray(0, 2), app2])), true, 'the same APP2 right after SOI');
  t.equal(hasIccProfile(Buffer.concat([plain.subarray(0, 2), Buffer.from([0x12, 0x34]), app2])), false, 'a non-marker byte ends the walk');
  t.equal(hasIccProfile(plain.subarray(0, 3)), false, 'cut inside the first marker');
});
