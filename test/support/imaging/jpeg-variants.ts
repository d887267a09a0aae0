import sharp from 'sharp';
import { fixture } from '../fixtures.js';

/** JPEGs of one real smear field in the codings a camera or an export may produce, at a small size. */
export async function jpegVariants(): Promise<Record<string, Buffer>> {
  const small = await sharp(fixture('field').bytes).resize(300, 220).toBuffer();
  return {
    'baseline 4:2:0': await sharp(small).jpeg({ quality: 90 }).toBuffer(),
    'baseline 4:4:4': await sharp(small).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer(),
    progressive: await sharp(small).jpeg({ progressive: true }).toBuffer(),
    grey: await sharp(small).grayscale().jpeg().toBuffer(),
    'odd size 299x171': await sharp(small).resize(299, 171, { fit: 'fill' }).jpeg().toBuffer(),
  };
}
