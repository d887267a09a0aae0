import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * A model repository on disk, laid out as OpenVINO Model Server's: `<root>/<name>/<version>/`, each
 * version a directory named by a positive integer holding what leukotool writes (manifest.json + IRs).
 * `<root>/<name>/policy.json` optionally holds the version policy in OVMS's `model_version_policy` form.
 */
export const VersionPolicySchema = z.union([
  z.strictObject({ latest: z.strictObject({ num_versions: z.number().int().positive() }) }),
  z.strictObject({ specific: z.strictObject({ versions: z.array(z.number().int().positive()).min(1) }) }),
  z.strictObject({ all: z.strictObject({}) }),
]);
export type VersionPolicy = z.infer<typeof VersionPolicySchema>;

/** Without policy.json: serve the highest version only, as OVMS does. */
export const DEFAULT_VERSION_POLICY: VersionPolicy = { latest: { num_versions: 1 } };

export const POLICY_FILE = 'policy.json';

export interface VersionOnDisk {
  version: number;
  dir: string;
  /** Names, sizes and mtimes of its files: a version being copied in changes it until the copy ends. */
  fingerprint: string;
}

export interface ModelOnDisk {
  name: string;
  policy: VersionPolicy;
  /** Why policy.json was not used (the default policy applies meanwhile); null when it was, or is absent. */
  policyProblem: string | null;
  /** Ascending. */
  versions: VersionOnDisk[];
}

const VERSION_DIR = /^[1-9]\d{0,8}$/;

async function fingerprint(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort();
  const parts = await Promise.all(
    names.map(async (name) => {
      const s = await stat(path.join(dir, name)).catch(() => null);
      return s === null ? `${name}:gone` : `${name}:${s.size}:${s.mtimeMs}`;
    }),
  );
  return parts.join('|');
}

async function readPolicy(modelDir: string): Promise<{ policy: VersionPolicy; policyProblem: string | null }> {
  const file = path.join(modelDir, POLICY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { policy: DEFAULT_VERSION_POLICY, policyProblem: null };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { policy: DEFAULT_VERSION_POLICY, policyProblem: `${file}: ${(error as Error).message}` };
  }
  const parsed = VersionPolicySchema.safeParse(raw);
  if (parsed.success) return { policy: parsed.data, policyProblem: null };
  return {
    policy: DEFAULT_VERSION_POLICY,
    policyProblem: `${file}: expected {"latest":{"num_versions":N}}, {"specific":{"versions":[...]}} or {"all":{}}; ${parsed.error.issues.map((i) => i.message).join('; ')}`,
  };
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

/** Every model under `root` with its version directories; a directory vanishing mid-scan is skipped. */
export async function scanRepository(root: string): Promise<ModelOnDisk[]> {
  const models: ModelOnDisk[] = [];
  for (const name of (await subdirectories(root)).sort()) {
    const modelDir = path.join(root, name);
    try {
      const versions: VersionOnDisk[] = [];
      for (const entry of await subdirectories(modelDir)) {
        if (!VERSION_DIR.test(entry)) continue;
        const dir = path.join(modelDir, entry);
        versions.push({ version: Number(entry), dir, fingerprint: await fingerprint(dir) });
      }
      versions.sort((a, b) => a.version - b.version);
      models.push({ name, ...(await readPolicy(modelDir)), versions });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return models;
}

/** The versions `policy` serves out of `available` (ascending). */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const sorted = [...available].sort((a, b) => a - b);
  if ('all' in policy) return sorted;
  if ('latest' in policy) return sorted.slice(-policy.latest.num_versions);
  const wanted = new Set(policy.specific.versions);
  return sorted.filter((v) => wanted.has(v));
}
