import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { argsOf, envOf, readDockerfile, root } from './dockerfile.js';

const stages = await readDockerfile();
const stage = (name: string) => stages.find((s) => s.name === name);
const final = stages.at(-1);
if (!final) throw new Error('the Dockerfile has no stage');
const env = envOf(final);

t.test('the final stage picks a runtime for each target platform', async (t) => {
  t.equal(final.from, 'runtime-${TARGETARCH}');
  for (const arch of ['amd64', 'arm64', 'arm']) t.ok(stage(`runtime-${arch}`), `runtime-${arch} exists (buildx TARGETARCH ${arch})`);
  t.match(argsOf(stage('openvino-archive')!, 'RUN').join('\n'), /sha256sum -c/, 'the 2022.3 archive is checked against its sha256');
  t.match(argsOf(stage('openvino-archive')!, 'RUN').join('\n'), /libopenvino_intel_myriad_plugin\.so/, 'and must hold the MYRIAD plugin');
});

t.test('TensorFlow, the model and tsc run on the build platform only', async (t) => {
  for (const name of ['model', 'build', 'openvino-archive']) {
    t.match(argsOf(stage(name)!, 'FROM')[0], /^--platform=\$BUILDPLATFORM /, `${name} runs on $BUILDPLATFORM`);
  }
  t.match(argsOf(stage('model')!, 'RUN').join('\n'), /leukotool check-ir/, 'the FP16 IR is checked for OpenVINO 2022.3');
});

t.test('the image runs as a non-root user, behind tini, on 0.0.0.0:8080', async (t) => {
  const user = argsOf(final, 'USER').at(-1);
  t.ok(user && !['root', '0'].includes(user), `USER ${user}`);
  t.same(argsOf(final, 'ENTRYPOINT'), ['["/usr/bin/tini", "--"]']);
  t.same(argsOf(final, 'EXPOSE'), [env.get('PORT')], 'EXPOSE is the PORT the server listens on');
  t.equal(env.get('HOST'), '0.0.0.0');
  t.equal(env.get('DEVICE'), 'MYRIAD,CPU');
  t.match(argsOf(final, 'HEALTHCHECK')[0], /\/health\/ready/);
});

t.test('the model and compiled-blob cache directories are volumes', async (t) => {
  const volumes = JSON.parse(argsOf(final, 'VOLUME')[0] ?? '[]') as string[];
  t.ok(env.get('CACHE_DIR') && volumes.includes(env.get('CACHE_DIR')!), `CACHE_DIR ${env.get('CACHE_DIR')} is a volume`);
  t.ok(volumes.includes('/models'), '/models (for mounted models) is a volume');
});

t.test('every file copied from the build context exists and is let through .dockerignore', async (t) => {
  const allowed = (await readFile(path.join(root, '.dockerignore'), 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1));
  const sources = stages.flatMap((s) =>
    argsOf(s, 'COPY')
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(/\s+/).slice(0, -1)),
  );
  t.ok(sources.length >= 5, `COPY sources: ${sources.join(' ')}`);
  for (const source of sources) {
    t.ok(allowed.includes(source.replace(/\/$/, '')), `${source} is re-included by .dockerignore`);
    await t.resolves(stat(path.join(root, source)), `${source} exists`);
  }
});
