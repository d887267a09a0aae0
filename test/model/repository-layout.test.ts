import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { DEFAULT_VERSION_POLICY, scanRepository, selectVersions } from '../../src/model/repository-layout.js';

t.test('version policies as OVMS states them', async (t) => {
  t.same(selectVersions(DEFAULT_VERSION_POLICY, [3, 1, 2]), [3]);
  t.same(selectVersions({ latest: { num_versions: 2 } }, [3, 1, 2]), [2, 3]);
  t.same(selectVersions({ specific: { versions: [1, 7] } }, [3, 1, 2]), [1]);
  t.same(selectVersions({ all: {} }, [3, 1, 2]), [1, 2, 3]);
});

t.test('a scan: numeric version directories, policy.json read or named when invalid', async (t) => {
  const root = t.testdir({
    a: { '1': { 'manifest.json': '{}' }, '10': { 'manifest.json': '{}' }, tmp: {}, 'policy.json': '{"all":{}}' },
    b: { '2': {}, 'policy.json': '{"latest":{"num_versions":0}}' },
  });
  const models = await scanRepository(root);
  t.same(models.map((m) => [m.name, m.versions.map((v) => v.version), m.policy, m.policyProblem === null]), [
    ['a', [1, 10], { all: {} }, true],
    ['b', [2], DEFAULT_VERSION_POLICY, false],
  ]);
  const before = models[0]!.versions[0]!.fingerprint;
  await writeFile(path.join(root, 'a/1/model-fp32.bin'), 'more');
  await mkdir(path.join(root, 'a/0'));
  const after = await scanRepository(root);
  t.not(after[0]!.versions[0]!.fingerprint, before, 'a file added changes the fingerprint');
  t.same(after[0]!.versions.map((v) => v.version), [1, 10], '0 is no version');
});
