import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { Classifier, type ClassifierOptions } from '../../src/service/classifier.js';

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

export function fixture(name: keyof typeof FIXTURES): { filename: string; bytes: Buffer } {
  const file = FIXTURES[name];
  return { filename: path.basename(file), bytes: readFileSync(path.join(IMAGES, file)) };
}

export const silentLogger = pino({ level: 'silent' });

/** The real default model on the real CPU plugin. */
export function openCpuClassifier(options: Partial<ClassifierOptions> = {}): Promise<Classifier> {
  return Classifier.open({
    modelDir: MODEL_DIR,
    devices: ['CPU'],
    maxQueue: 32,
    timeoutMs: 120_000,
    limits: { maxPixels: 40_000_000 },
    ...options,
  });
}

/** A multipart body as a browser or curl would send it. */
export async function multipart(parts: { field?: string; filename?: string; bytes: Uint8Array | string; type?: string }[]) {
  const form = new FormData();
  for (const part of parts) {
    const field = part.field ?? 'image';
    if (typeof part.bytes === 'string' && part.filename === undefined) form.append(field, part.bytes);
    else form.append(field, new Blob([part.bytes], { type: part.type ?? 'application/octet-stream' }), part.filename ?? 'blob');
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}
