import t from 'tap';
import { RAW_UPLOAD_MEDIA_TYPES, SUPPORTED_FORMATS_TEXT, UnsupportedFormatError } from '../../src/imaging/index.js';

t.test('the HTTP layer gets each format media type, then the generic one', async (t) => {
  t.same(RAW_UPLOAD_MEDIA_TYPES, ['image/jpeg', 'image/png', 'image/tiff', 'image/bmp', 'image/webp', 'application/octet-stream']);
});

t.test('the human list names libvips formats, then the built-in reader with what it reads', async (t) => {
  t.equal(SUPPORTED_FORMATS_TEXT, 'JPEG, PNG, TIFF, WebP, 24/32-bit BMP');
  t.equal(new UnsupportedFormatError('GIF').message, 'unsupported image format: GIF (supported: JPEG, PNG, TIFF, WebP, 24/32-bit BMP)');
});
