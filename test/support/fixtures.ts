import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const MODEL_DIR = path.join(ROOT, 'models/default');
const IMAGES = path.join(ROOT, 'test/fixtures/images');

/** Fixture images by short name: three cells (C-NMC BMP) and one smear field (BCCD JPEG). */
export const FIXTURES = {
  all1: 'c-nmc/UID_1_2_2_all.bmp',
  hem1: 'c-nmc/UID_h3_4_1_hem.bmp',
  all2: 'c-nmc/UID_1_3_1_all.bmp',
  field: 'bccd/BloodImage_00004.jpg',
} as const;

export type FixtureName = keyof typeof FIXTURES;

export function fixture(name: FixtureName): { filename: string; bytes: Buffer } {
  const file = FIXTURES[name];
  return { filename: path.basename(file), bytes: readFileSync(path.join(IMAGES, file)) };
}
