import sharp from 'sharp';

/** Raw RGB pixels, HWC u8 (the model's input crop). */
export interface RgbPixels {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** A small JPEG of the crop the model saw, as a data URI for the HTML report. */
export async function thumbnailDataUri({ pixels, width, height }: RgbPixels, size = 160): Promise<string> {
  const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).resize(size, size, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
