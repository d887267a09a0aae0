import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { LibraryNotFoundError } from '../../../../src/inference/index.js';
import { libraryCandidates, loadOpenVinoLibrary } from '../../../../src/inference/openvino/sys/library-locator.js';
import { repoRoot } from '../../../support/models/models.js';


/** A fake /opt/intel with two archive installs, each with libs for all three architectures. */
function fakeArchiveRoot(t: Test): string {
  const root = t.testdir(); // removed when the test ends
  for (const install of ['openvino_2022.1.0', 'openvino_2022.3.1']) {
    for (const arch of ['intel64', 'aarch64', 'armv7l']) {
      const dir = path.join(root, install, 'runtime', 'lib', arch);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'libopenvino_c.so'), 'not an ELF file');
    }
  }
  return root;
}

const isolated = { env: {}, repoRoot: '/nonexistent-repo', archiveRoots: [] as string[], systemLoader: false };
const venvLibs = path.dirname(loadOpenVinoLibrary({ ...isolated, repoRoot }).path);

t.test('archive layouts: the lib directory follows the architecture, newest install first', async (t) => {
  const root = fakeArchiveRoot(t);
  for (const [arch, dir] of [['x64', 'intel64'], ['arm64', 'aarch64'], ['arm', 'armv7l']] as const) {
    const files = libraryCandidates({ ...isolated, archiveRoots: [root], arch }).flatMap((c) => c.files);
    t.same(
      files,
      [
        path.join(root, 'openvino_2022.3.1/runtime/lib', dir, 'libopenvino_c.so'),
        path.join(root, 'openvino_2022.1.0/runtime/lib', dir, 'libopenvino_c.so'),
      ],
      `${arch} -> ${dir}`,
    );
  }
});

t.test('a file that is not a loadable library is reported with the loader error', async (t) => {
  const root = fakeArchiveRoot(t);
  const error = t.throws(() => loadOpenVinoLibrary({ ...isolated, archiveRoots: [root], arch: 'arm64' })) as LibraryNotFoundError;
  t.type(error, LibraryNotFoundError);
  t.equal(error.code, 'OPENVINO_LIBRARY_NOT_FOUND');
  t.ok(error.searched.some((s) => s.startsWith(path.join(root, 'openvino_2022.3.1/runtime/lib/aarch64/libopenvino_c.so'))));
});

t.test('nothing found: LibraryNotFoundError lists every place looked', async (t) => {
  const missing = path.join(tmpdir(), 'no-such-openvino-dir');
  const error = t.throws(() =>
    loadOpenVinoLibrary({
      libDir: missing,
      env: { OPENVINO_LIB_DIR: `${missing}-env`, INTEL_OPENVINO_DIR: `${missing}-intel` },
      repoRoot: '/nonexistent-repo',
      archiveRoots: ['/nonexistent-opt-intel'],
      arch: 'x64',
    }),
  ) as LibraryNotFoundError;
  t.type(error, LibraryNotFoundError);
  t.same(
    error.searched.map((s) => s.replace(/ \(.*$/, '')),
    [
      missing,
      `${missing}-env`,
      `${missing}-intel/runtime/lib/intel64`,
      '/nonexistent-repo/.venv/lib/python3*/site-packages/openvino/libs',
      '/nonexistent-opt-intel/openvino*/runtime/lib/intel64',
      'system loader: libopenvino_c.so',
    ],
  );
  t.match(error.message, /OPENVINO_LIB_DIR/);
});

t.test('the wheel ships only a versioned libopenvino_c.so.<N>: found by glob and loaded', async (t) => {
  const candidates = libraryCandidates({ ...isolated, repoRoot });
  t.match(candidates.flatMap((c) => c.files), [/\/site-packages\/openvino\/libs\/libopenvino_c\.so\.\d+$/]);
  const loaded = loadOpenVinoLibrary({ ...isolated, repoRoot });
  t.match(loaded.path, /libopenvino_c\.so\.\d+$/);
});

t.test('OPENVINO_LIB_DIR takes precedence over the venv', async (t) => {
  const candidates = libraryCandidates({ env: { OPENVINO_LIB_DIR: venvLibs }, repoRoot: '/nonexistent-repo', archiveRoots: [] });
  t.equal(candidates[0]?.place, venvLibs);
  t.equal(loadOpenVinoLibrary({ ...isolated, env: { OPENVINO_LIB_DIR: venvLibs } }).path.startsWith(venvLibs), true);
});
