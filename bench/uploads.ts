import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** One image body sent as the raw body of POST /classify. */
export interface Upload {
  readonly id: 'jpeg-299' | 'bmp-450' | 'jpeg-2592';
  readonly description: string;
  readonly contentType: 'image/jpeg' | 'image/bmp';
  readonly body: Buffer;
}

const JPEG_QUALITY = 90;

/**
 * The three uploads of the bench: an image already at the model's input size, a C-NMC cell as
 * the dataset ships it, and a field at ALL-IDB1's camera size (the worst case for decoding).
 */
export async function makeUploads(root: string): Promise<Upload[]> {
  const fixtures = path.join(root, 'test', 'fixtures', 'images');
  const field = path.join(fixtures, 'bccd', 'BloodImage_00004.jpg');
  const [small, bmp, large] = await Promise.all([
    sharp(field).resize(299, 299, { fit: 'cover' }).jpeg({ quality: JPEG_QUALITY }).toBuffer(),
    readFile(path.join(fixtures, 'c-nmc', 'UID_1_2_2_all.bmp')),
    sharp(field).resize(2592, 1944, { fit: 'fill', kernel: 'lanczos3' }).jpeg({ quality: JPEG_QUALITY }).toBuffer(),
  ]);
  return [
    { id: 'jpeg-299', description: '299x299 JPEG', contentType: 'image/jpeg', body: small },
    { id: 'bmp-450', description: '450x450 BMP (C-NMC cell)', contentType: 'image/bmp', body: bmp },
    { id: 'jpeg-2592', description: '2592x1944 JPEG (ALL-IDB1 field size)', contentType: 'image/jpeg', body: large },
  ];
}
