import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { OPTIONS } from '../../src/config/options.js';
import { envOf, readDockerfile, root } from './dockerfile.js';

interface ComposeService {
  image?: string;
  restart?: string;
  ports?: string[];
  device_cgroup_rules?: string[];
  volumes?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  mem_limit?: string;
  stop_grace_period?: string;
  healthcheck?: { test?: string[] };
}

const compose = parse(await readFile(path.join(root, 'docker/compose.yaml'), 'utf8')) as {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const service = compose.services?.leukoserve ?? {};
const imageEnv = envOf((await readDockerfile()).at(-1)!);

/** "1g", "768m", "40s" -> bytes or seconds, as compose reads them. */
function quantity(value: string | undefined, units: Record<string, number>): number {
  const [, number = 'NaN', unit = ''] = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(value ?? '') ?? [];
  return Number(number) * (units[unit.toLowerCase()] ?? Number.NaN);
}

t.test('the stick is reachable however it re-enumerates', async (t) => {
  t.same(service.device_cgroup_rules, ['c 189:* rmw'], 'all USB character devices (major 189)');
  t.ok(service.volumes?.includes('/dev/bus/usb:/dev/bus/usb'), 'the whole USB bus is mounted');
});

t.test('it restarts, runs read-only with tmpfs and a cache volume, and has a health check', async (t) => {
  t.equal(service.restart, 'unless-stopped');
  t.equal(service.read_only, true);
  t.ok(service.tmpfs?.some((m) => m.startsWith('/tmp')), '/tmp is a tmpfs');
  t.ok(service.volumes?.includes(`cache:${imageEnv.get('CACHE_DIR')}`), 'the cache volume is mounted at the image CACHE_DIR');
  t.ok(compose.volumes && 'cache' in compose.volumes && 'models' in compose.volumes, 'named volumes declared');
  t.match(service.healthcheck?.test?.join(' '), new RegExp(`127\\.0\\.0\\.1:${imageEnv.get('PORT')}/health/ready`));
  t.ok(service.ports?.some((p) => p.endsWith(`:${imageEnv.get('PORT')}`)), 'the published port is the one the server listens on');
});

t.test('memory limit above the measured peak RSS (412 MiB), SIGTERM grace above the drain time', async (t) => {
  const bytes = quantity(service.mem_limit, { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 });
  t.ok(bytes >= 2 * 412 * 1024 ** 2, `mem_limit ${service.mem_limit} is at least twice the measured peak`);
  const grace = quantity(service.stop_grace_period, { s: 1, m: 60 });
  const drain = Number(OPTIONS.requestTimeoutMs.default) / 1000 + 5; // serve-command: time-out + 5 s
  t.ok(grace > drain, `stop_grace_period ${service.stop_grace_period} > ${drain} s of draining`);
});
