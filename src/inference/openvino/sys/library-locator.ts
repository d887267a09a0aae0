import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi, { type LibraryHandle } from 'koffi';
import { LibraryNotFoundError } from '../../errors.js';

/** Where to look for libopenvino_c. Every field is injectable so tests can use fake trees. */
export interface LibrarySearchOptions {
  /** An exact file, tried alone: a worker thread loads the library its Runtime already found. */
  file?: string;
  /** Explicit directory, tried first (Runtime.open({ libDir })). */
  libDir?: string;
  /** Environment to read OPENVINO_LIB_DIR and INTEL_OPENVINO_DIR from. */
  env?: NodeJS.ProcessEnv;
  /** Repository root holding .venv (default: derived from this module's location). */
  repoRoot?: string;
  /** Roots holding Intel archive installs `openvino*` (default ['/opt/intel']). */
  archiveRoots?: string[];
  /** Node's process.arch, mapped to the archive's lib subdirectory. */
  arch?: string;
  /** Finally ask the system loader for libopenvino_c.so (default true). */
  systemLoader?: boolean;
}

export interface LoadedLibrary {
  readonly lib: LibraryHandle;
  readonly path: string;
}

/** Name of the lib subdirectory in Intel's archives (runtime/lib/<dir>) per Node architecture. */
const ARCHIVE_LIB_DIR: Record<string, string> = { x64: 'intel64', arm64: 'aarch64', arm: 'armv7l' };

const SYSTEM_NAME = 'libopenvino_c.so';

// src/inference/openvino/sys -> repo root (also true for dist/inference/openvino/sys).
const DEFAULT_REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** libopenvino_c.so itself, else the versioned files (the pip wheel ships only libopenvino_c.so.<NNNN>). */
function libraryFilesIn(dir: string): string[] {
  const entries = listDir(dir);
  if (entries.includes(SYSTEM_NAME)) return [path.join(dir, SYSTEM_NAME)];
  return entries
    .filter((e) => e.startsWith(`${SYSTEM_NAME}.`))
    .sort()
    .reverse()
    .map((e) => path.join(dir, e));
}

interface Candidate {
  /** What the error message shows: a directory pattern or a file. */
  place: string;
  files: string[];
}

/** Candidate locations in priority order; a place with no file is kept so the error can list it. */
export function libraryCandidates(options: LibrarySearchOptions = {}): Candidate[] {
  const env = options.env ?? process.env;
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  const archDir = ARCHIVE_LIB_DIR[options.arch ?? process.arch] ?? process.arch;
  const candidates: Candidate[] = [];
  const addDir = (dir: string) => candidates.push({ place: dir, files: libraryFilesIn(dir) });

  if (options.libDir) addDir(options.libDir);
  if (env.OPENVINO_LIB_DIR) addDir(env.OPENVINO_LIB_DIR);
  if (env.INTEL_OPENVINO_DIR) addDir(path.join(env.INTEL_OPENVINO_DIR, 'runtime', 'lib', archDir));

  const venvLib = path.join(repoRoot, '.venv', 'lib');
  const pythons = listDir(venvLib).filter((e) => e.startsWith('python3'));
  if (pythons.length === 0) {
    candidates.push({ place: path.join(venvLib, 'python3*/site-packages/openvino/libs'), files: [] });
  }
  for (const py of pythons.sort().reverse()) addDir(path.join(venvLib, py, 'site-packages', 'openvino', 'libs'));

  for (const root of options.archiveRoots ?? ['/opt/intel']) {
    // Newest first: openvino_2022.3.1 before openvino_2022.1 (a plain `openvino_2022` symlink sorts first).
    const installs = listDir(root)
      .filter((e) => e.startsWith('openvino'))
      .sort()
      .reverse();
    if (installs.length === 0) {
      candidates.push({ place: path.join(root, `openvino*/runtime/lib/${archDir}`), files: [] });
    }
    for (const install of installs) addDir(path.join(root, install, 'runtime', 'lib', archDir));
  }
  return candidates;
}

/**
 * Loads the first libopenvino_c that dlopen accepts. The wheel's copy needs no preloading:
 * it and libopenvino.so carry RPATH $ORIGIN, so their siblings (libopenvino, libtbb) resolve.
 */
export function loadOpenVinoLibrary(options: LibrarySearchOptions = {}): LoadedLibrary {
  if (options.file !== undefined) return { lib: koffi.load(options.file), path: options.file };
  const searched: string[] = [];
  for (const { place, files } of libraryCandidates(options)) {
    if (files.length === 0) searched.push(`${place} (no ${SYSTEM_NAME}*)`);
    for (const file of files) {
      try {
        return { lib: koffi.load(file), path: file };
      } catch (cause) {
        searched.push(`${file} (${(cause as Error).message})`);
      }
    }
  }
  if (options.systemLoader !== false) {
    try {
      return { lib: koffi.load(SYSTEM_NAME), path: SYSTEM_NAME };
    } catch (cause) {
      searched.push(`system loader: ${SYSTEM_NAME} (${(cause as Error).message})`);
    }
  }
  throw new LibraryNotFoundError(searched);
}
