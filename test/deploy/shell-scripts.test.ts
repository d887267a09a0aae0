import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** The deployment's shell scripts: docker/*.sh and scripts/*.sh. */
async function deployScripts(): Promise<string[]> {
  const docker = (await readdir(path.join(root, 'docker'))).filter((f) => f.endsWith('.sh')).map((f) => `docker/${f}`);
  const scripts = (await readdir(path.join(root, 'scripts')))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `scripts/${f}`);
  return [...docker, ...scripts];
}

const shellcheck = await run('shellcheck', ['--version']).then(
  () => true,
  () => false,
);

// CI installs shellcheck, so there a missing one is a failure; elsewhere the test is skipped.
const missing = 'shellcheck is not installed (apt-get install shellcheck)';

t.test('the deployment scripts pass shellcheck', { skip: !shellcheck && !process.env.CI && missing }, async (t) => {
  if (!shellcheck) {
    t.fail(missing);
    return;
  }
  const files = await deployScripts();
  t.ok(files.includes('docker/host-setup.sh') && files.includes('scripts/container-check.sh'), `found ${files.join(', ')}`);
  for (const file of files) {
    // -x follows `source`d files (container-podman.sh); the exit status is 1 on any finding.
    const result = await run('shellcheck', ['-x', file], { cwd: root }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    t.equal(result, '', `${file}: no shellcheck findings`);
  }
});
