import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelPrecisions } from '../../../src/inference/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const script = path.join(here, 'make_models.py');

export type TestModelName = 'affine' | 'affine_nchw' | 'matmul' | 'slow' | 'reshape_fail';

export interface MatmulCase {
  input: number[];
  output: number[];
}

export interface TestModels {
  dir: string;
  xml(name: TestModelName): string;
  /** Computed by numpy in make_models.py, independently of OpenVINO. */
  matmulCases: MatmulCase[];
  /** openvino.get_version() of the Python package that made the models. */
  openvinoVersion: string;
}

/**
 * Generates the tiny IR models once per version of make_models.py into .cache/ (gitignored).
 * Tests running in parallel may race: each writes to its own temp dir and renames it into place.
 */
export function testModels(): TestModels {
  const source = readFileSync(script);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = path.join(repoRoot, '.cache', 'test-models', hash);
  if (!existsSync(path.join(dir, 'expected.json'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    execFileSync(path.join(repoRoot, '.venv', 'bin', 'python'), [script, tmp], { stdio: 'inherit' });
    mkdirSync(path.dirname(dir), { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test process won the race
    }
  }
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
    matmul: MatmulCase[];
    openvino_version: string;
  };
  return {
    dir,
    xml: (name) => path.join(dir, `${name}.xml`),
    matmulCases: expected.matmul,
    openvinoVersion: expected.openvino_version,
  };
}

/** models/default (built by scripts/setup.sh), or null when it has not been built. */
export function defaultModelDir(): string | null {
  const dir = path.join(repoRoot, 'models', 'default');
  return existsSync(path.join(dir, 'manifest.json')) ? dir : null;
}

/** One IR for every device, nothing measured: what the pool tests' small models are. */
export function oneIr(xml: string): ModelPrecisions {
  return { irs: { fp32: xml, fp16: xml }, agreement: {} };
}
