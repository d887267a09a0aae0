import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Test } from 'tap';
import { MODEL_DIR } from './fixtures.js';

export type ManifestEdit = (manifest: Record<string, unknown>) => void;

/** A model directory with the default model's IR files (linked) and an edited copy of its manifest. */
export async function modelVariant(t: Test, edit: ManifestEdit): Promise<string> {
  const dir = t.testdir();
  const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const file of await readdir(MODEL_DIR)) {
    if (/^model-\w+\.(xml|bin)$/.test(file)) await symlink(path.join(MODEL_DIR, file), path.join(dir, file));
  }
  return dir;
}
