import type { BenchResult } from '../../bench/result.js';
import { execFile } from 'node:child_process';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, OPTIONS } from '../../src/config/index.js';
import { MOVIDIUS_PRODUCTS, MOVIDIUS_VENDOR_ID } from '../../src/devices/movidius.js';
import { buildApp } from '../../src/http/app.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { envOf, readDockerfile, root } from './dockerfile.js';

const run = promisify(execFile);
const chart = path.join(root, 'deploy/helm/leukoserve');
const rendered = path.join(root, '.cache/helm-check/rendered');

// scripts/helm-check.sh installs helm with `go install` (minutes when cold): CI runs it (.ci/run installs
// it first); elsewhere the test runs once helm is cached there, or with LEUKOSERVE_HELM_CHECK=1.
const cached = await access(path.join(root, '.cache/helm-check/bin/helm')).then(
  () => true,
  () => false,
);
const skip = !cached && !process.env.CI && !process.env.LEUKOSERVE_HELM_CHECK && 'helm is not cached: scripts/helm-check.sh --install, or LEUKOSERVE_HELM_CHECK=1';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  args?: string[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { privileged?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Probe {
  httpGet?: { path: string; port: string | number; httpHeaders?: unknown[] };
}
interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string };
  secret?: { secretName: string };
  persistentVolumeClaim?: { claimName: string };
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number; fsGroup?: number; supplementalGroups?: number[] };
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  containers: Container[];
  volumes?: Volume[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
    maxReplicaCount?: number;
    minReplicaCount?: number;
    triggers?: { type: string; metadata: Record<string, string> }[];
    ports?: { targetPort: string | number }[];
    endpoints?: { port: string; path: string; authorization?: unknown }[];
  };
  stringData?: Record<string, string>;
}

/** Mebibytes of a Kubernetes memory quantity ("512Mi", "1Gi"). */
function mebibytes(quantity: string | undefined): number {
  const [, n = 'NaN', unit = ''] = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '') ?? [];
  return Number(n) * ({ Mi: 1, Gi: 1024 } as Record<string, number>)[unit]!;
}

/** Does a Service/PDB selector select these pod labels? */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

t.test('helm lint, helm template and offline validation of every value set', { skip }, async (t) => {
  const valueSets = (await readdir(path.join(chart, 'ci'))).filter((f) => f.endsWith('-values.yaml')).map((f) => f.replace(/-values\.yaml$/, ''));
  t.ok(valueSets.length >= 5, `value sets: ${valueSets.join(', ')}`);

  const { stdout } = await run('bash', ['scripts/helm-check.sh'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  t.comment(stdout.trim());
  for (const set of valueSets) {
    t.match(stdout, new RegExp(`^${set}: helm lint --strict passed$`, 'm'), `${set}: lint`);
    const line = new RegExp(`^${set}: (\\d+) objects, (\\d+) valid against [^;]*: ([^;]*); (\\d+) errors; skipped \\(no schema here\\): (.*)$`, 'm').exec(stdout);
    const [, objects, builtin, custom = '', errors, skipped] = line ?? [];
    const customCount = [...custom.matchAll(/(\d+) \w+/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    t.equal(errors, '0', `${set}: no schema errors`);
    t.equal(skipped, 'none', `${set}: no object left unvalidated`);
    t.ok(Number(objects) > 0 && Number(builtin) + customCount === Number(objects), `${set}: all ${objects} objects validated (${builtin} built-in, custom: ${custom})`);
  }
  t.match(stdout, /deploy\/kubernetes\/leukoserve\.yaml is the chart's rendering/, 'the plain manifests are up to date');

  const sets = new Map<string, K8sObject[]>();
  for (const set of valueSets) {
    const docs = parseAllDocuments(await readFile(path.join(rendered, `${set}.yaml`), 'utf8'));
    sets.set(set, docs.map((d) => d.toJS() as K8sObject).filter((o) => o !== null));
  }
  const all = [...sets.entries()].flatMap(([set, objects]) => objects.map((o) => ({ set, o })));
  const deployments = all.filter(({ o }) => o.kind === 'Deployment');
  const pod = (o: K8sObject) => o.spec!.template!.spec;
  const app = (o: K8sObject) => pod(o).containers.find((c) => c.name === 'leukoserve')!;
  const dockerfile = await readDockerfile();
  const imageEnv = envOf(dockerfile.at(-1)!);
  const defaults = parse(await readFile(path.join(chart, 'values.yaml'), 'utf8')) as {
    devicePlugin: { resourceDomain: string; resourceName: string };
    probes: Record<string, { periodSeconds: number; failureThreshold: number }>;
  };
  const stickResource = `${defaults.devicePlugin.resourceDomain}/${defaults.devicePlugin.resourceName}`;

  await t.test('probes point at routes the app registers and answer without an API key', async (t) => {
    // The app as the auth value set configures it: the rendered Secret's file, METRICS_AUTH from its env.
    const auth = sets.get('auth')!;
    const authEnv = new Map(app(auth.find((o) => o.kind === 'Deployment')!).env?.map((e) => [e.name, e.value]));
    const keysFile = path.join(t.testdir(), 'api-keys');
    await writeFile(keysFile, auth.find((o) => o.kind === 'Secret')!.stringData!['api-keys']!);
    const config = loadConfig([], {}).config;
    const classifier = await openCpuClassifier();
    t.teardown(() => classifier.close());
    const server = await buildApp(classifier, { ...config, apiKeysFile: keysFile, metricsAuth: authEnv.get('METRICS_AUTH') === 'true' }, silentLogger);
    t.teardown(() => server.close());
    t.equal((await server.inject('/model')).statusCode, 401, 'the keys from the rendered Secret are in force');
    t.equal((await server.inject({ url: '/model', headers: { authorization: 'Bearer ci-key-not-secret-2' } })).statusCode, 200, 'a key of the Secret is accepted');
    t.equal((await server.inject('/metrics')).statusCode, 401, 'METRICS_AUTH=true: Prometheus needs the key the ServiceMonitor sends');
    const paths = new Set(deployments.flatMap(({ o }) => [app(o).startupProbe, app(o).livenessProbe, app(o).readinessProbe].map((p) => p?.httpGet?.path)));
    t.same([...paths].sort(), ['/health/live', '/health/ready'], 'startup and liveness on /health/live, readiness on /health/ready');
    for (const url of paths) {
      t.ok(server.hasRoute({ method: 'GET', url: url! }), `GET ${url} is a route of src/http/app.ts`);
      t.equal((await server.inject({ method: 'GET', url: url! })).statusCode, 200, `GET ${url} answers 200 (ready, no key)`);
    }
    const metrics = await server.inject({ url: '/metrics', headers: { authorization: 'Bearer ci-key-not-secret-1' } });
    t.match(metrics.body, /^leukoserve_queue_depth /m, '/metrics exports the gauge the autoscalers query');
    for (const { set, o } of deployments) {
      const c = app(o);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
        t.equal(probe?.httpGet?.port, 'http', `${set}: probes use the named port`);
        t.notOk(probe?.httpGet?.httpHeaders, `${set}: probes send no Authorization header`);
      }
      t.same(c.ports, [{ name: 'http', containerPort: Number(imageEnv.get('PORT')), protocol: 'TCP' }], `${set}: the port the image listens on`);
    }
  });

  t.test('the startup probe allows minutes for compiling on a stick', async (t) => {
    const startup = defaults.probes.startup!;
    t.ok(startup.periodSeconds * startup.failureThreshold >= 300, `${startup.periodSeconds * startup.failureThreshold} s >= 5 min`);
  });

  t.test('memory requests and limits come from the measured peak RSS; grace covers preStop + drain', async (t) => {
    // The highest peak RSS of leukoserve over the bench's precision series (each after every load point).
    const bench = JSON.parse(await readFile(path.join(root, 'bench/results/latest.json'), 'utf8')) as BenchResult;
    const peak = Math.max(...bench.precisions.map((p) => p.leukoserve.memory.end.peakRssBytes)) / 2 ** 20;
    t.ok(peak > 100, `measured peak RSS ${peak.toFixed(1)} MiB (bench/results/latest.json)`);
    const drain = Number(OPTIONS.requestTimeoutMs.default) / 1000 + 5; // the serve command: time-out + 5 s
    for (const { set, o } of deployments) {
      const { requests, limits } = app(o).resources ?? {};
      t.ok(mebibytes(requests?.memory) >= peak, `${set} ${o.metadata.name}: memory request ${requests?.memory} >= ${peak} MiB`);
      t.ok(mebibytes(limits?.memory) >= 2 * peak, `${set} ${o.metadata.name}: memory limit ${limits?.memory} >= twice the peak`);
      t.ok(requests?.cpu, `${set}: a CPU request`);
      const preStop = app(o).lifecycle?.preStop?.sleep?.seconds ?? 0;
      t.ok(pod(o).terminationGracePeriodSeconds! > preStop + drain, `${set}: grace ${pod(o).terminationGracePeriodSeconds} s > ${preStop} + ${drain} s`);
    }
  });

  t.test("non-root as the image's user, read-only root, the cache and /tmp on volumes", async (t) => {
    // The user the Dockerfile writes into the image's /etc/passwd, and plugdev's GID in its /etc/group.
    const dockerfileText = await readFile(path.join(root, 'Dockerfile'), 'utf8');
    const [, uid, gid] = (/'leukoserve:x:(\d+):(\d+):/.exec(dockerfileText) ?? []).map(Number);
    const plugdev = Number(/plugdev:\\\*:(\d+):leukoserve/.exec(dockerfileText)?.[1]);
    t.ok(uid && gid === 100 && plugdev === 46, `image user ${uid}:${gid}, plugdev ${plugdev}`);
    for (const { set, o } of deployments) {
      const security = pod(o).securityContext;
      t.equal(security?.runAsNonRoot, true, `${set}: runAsNonRoot`);
      t.equal(security?.runAsUser, uid, `${set}: uid ${uid} (the image's /etc/passwd)`);
      t.equal(security?.runAsGroup, gid, `${set}: group users (${gid}), the udev rule's GROUP`);
      t.same(security?.supplementalGroups, [plugdev], `${set}: plugdev (${plugdev})`);
      const c = app(o).securityContext;
      t.equal(c?.readOnlyRootFilesystem, true, `${set}: read-only root file system`);
      if (c?.privileged) {
        t.equal(set, 'pi-privileged', 'privileged only where the values ask for it');
        t.equal(c.allowPrivilegeEscalation, undefined, 'the API rejects privileged with allowPrivilegeEscalation=false');
        const usb = pod(o).volumes?.find((v) => v.hostPath?.path === '/dev/bus/usb');
        t.ok(usb && app(o).volumeMounts?.some((m) => m.name === usb.name && m.mountPath === '/dev/bus/usb'), 'the host USB bus is mounted');
      } else {
        t.equal(c?.allowPrivilegeEscalation, false, `${set}: no privilege escalation`);
        t.same(c?.capabilities?.drop, ['ALL'], `${set}: every capability dropped`);
        t.notOk(pod(o).volumes?.some((v) => v.hostPath), `${set}: no host path`);
      }
      const env = new Map(app(o).env?.map((e) => [e.name, e.value]));
      t.equal(env.get('CACHE_DIR'), imageEnv.get('CACHE_DIR'), `${set}: CACHE_DIR is the image's`);
      const mount = (at: string) => pod(o).volumes?.find((v) => v.name === app(o).volumeMounts?.find((m) => m.mountPath === at)?.name);
      const cache = mount(imageEnv.get('CACHE_DIR')!);
      t.ok(cache?.emptyDir ?? cache?.persistentVolumeClaim, `${set}: the cache is an emptyDir or a PVC`);
      t.ok(mount('/tmp')?.emptyDir, `${set}: /tmp is an emptyDir`);
    }
  });

  t.test('the chart sets only settings the service reads', async (t) => {
    const known = new Set<string>(Object.values(OPTIONS).map((o) => o.env));
    for (const { set, o } of deployments) {
      for (const { name } of app(o).env ?? []) t.ok(known.has(name), `${set}: ${name} is a setting`);
    }
  });

  t.test('one stick per pod, through the device plugin configured with the USB ids of src/devices/movidius.ts', async (t) => {
    const ncs2 = Object.entries(MOVIDIUS_PRODUCTS)
      .filter(([, p]) => p.model === 'NCS2')
      .map(([product]) => ({ vendor: MOVIDIUS_VENDOR_ID, product }));
    t.same(ncs2.map((d) => d.product).sort(), ['2485', 'f63b'], 'before and after the firmware boot');
    const plugins = all.filter(({ o }) => o.kind === 'DaemonSet');
    t.ok(plugins.length > 0, 'some value sets render the device plugin');
    for (const { set, o } of plugins) {
      const args = pod(o).containers[0]!.args ?? [];
      const device = JSON.parse(args[args.indexOf('--device') + 1]!) as { name: string; groups: { usb: unknown[] }[] };
      t.same(device.groups, [{ usb: ncs2 }], `${set}: the plugin matches exactly the NCS2 ids`);
      t.equal(`${args[args.indexOf('--domain') + 1]}/${device.name}`, stickResource, `${set}: it advertises the resource the pods request`);
    }
    for (const { set, o } of deployments) {
      const { requests, limits } = app(o).resources ?? {};
      const pool = o.metadata.labels?.['leukoserve.io/pool'];
      const wantsStick = pool === 'stick' && set !== 'pi-privileged';
      t.equal(limits?.[stickResource], wantsStick ? '1' : undefined, `${set} ${pool}: ${wantsStick ? 'exactly one stick' : 'no stick'}`);
      t.equal(requests?.[stickResource], limits?.[stickResource], `${set} ${pool}: request equals limit`);
      const env = new Map(app(o).env?.map((e) => [e.name, e.value]));
      t.equal(env.get('DEVICE')?.startsWith('MYRIAD'), pool === 'stick', `${set} ${pool}: DEVICE ${env.get('DEVICE')}`);
    }
  });

  t.test('one Service over the ready pods of both pools; a PDB per pool', async (t) => {
    for (const [set, objects] of sets) {
      const service = objects.find((o) => o.kind === 'Service')!;
      const pools = objects.filter((o) => o.kind === 'Deployment');
      for (const d of pools) {
        t.ok(selects(service.spec?.selector, d.spec!.template!.metadata?.labels), `${set}: the Service selects ${d.metadata.name}`);
        const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec?.selector?.matchLabels, d.spec!.template!.metadata?.labels));
        t.ok(pdb, `${set}: a PDB covers ${d.metadata.name}`);
      }
      t.same(service.spec?.ports?.map((p) => p.targetPort), ['http'], `${set}: to the named container port`);
    }
  });

  t.test('KEDA scales each pool on the queue depth, bounded by its maximum; the CPU pool is the overflow', async (t) => {
    const objects = sets.get('keda')!;
    const scaled = objects.filter((o) => o.kind === 'ScaledObject');
    t.equal(scaled.length, 2, 'one ScaledObject per pool');
    const values = parse(await readFile(path.join(chart, 'ci/keda-values.yaml'), 'utf8'));
    const stick = scaled.find((o) => o.metadata.name.endsWith('-stick'))!;
    t.equal(stick.spec?.maxReplicaCount, values.pools.stick.autoscaling.maxReplicas, 'stick pool bounded by the number of sticks');
    for (const o of scaled) {
      const trigger = o.spec?.triggers?.[0];
      t.equal(trigger?.type, 'prometheus');
      t.match(trigger?.metadata.query, /^sum\(leukoserve_queue_depth\{namespace="leukoserve",service="leukoserve"\}\)$/, 'sum of every pod queue');
      t.ok(objects.some((d) => d.kind === 'Deployment' && d.metadata.name === (o.spec as { scaleTargetRef?: { name: string } }).scaleTargetRef?.name), 'targets a Deployment of the release');
    }
    const cpu = scaled.find((o) => o.metadata.name.endsWith('-cpu'))!;
    t.equal(cpu.spec?.minReplicaCount, 0, 'the CPU pool can rest at 0');
    t.equal(Number(cpu.spec?.triggers?.[0]?.metadata.activationThreshold), 3 * 4, 'and wakes past what 3 sticks x 4 queued hold');
    for (const d of objects.filter((o) => o.kind === 'Deployment')) t.notOk('replicas' in d.spec!, `${d.metadata.name}: replicas left to the autoscaler`);
    const hpa = sets.get('hpa')!.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    t.equal(hpa.length, 2, 'the plain HPA alternative renders one per pool');
  });

  t.test('values that cannot work are refused at render time, naming the setting', async (t) => {
    const helm = path.join(root, '.cache/helm-check/bin/helm');
    const refusals: [string[], RegExp][] = [
      [['autoscaling.mode=keda', 'pools.stick.autoscaling.minReplicas=0'], /at least one enabled pool needs autoscaling\.minReplicas >= 1/],
      [['autoscaling.mode=hpa', 'pools.cpu.enabled=true'], /pools\.cpu\.autoscaling\.minReplicas: a plain HPA cannot scale to 0/],
      [['pools.stick.enabled=false'], /no pool enabled/],
      [['auth.enabled=true'], /give auth\.existingSecret .* or auth\.apiKeys/],
      [['auth.enabled=true', 'auth.existingSecret=k', 'auth.metricsAuth=true', 'serviceMonitor.enabled=true'], /serviceMonitor\.bearerTokenSecret/],
      [['cache.type=hostPath'], /cache\.type: emptyDir or pvc/],
    ];
    for (const [values, message] of refusals) {
      const result = await run(helm, ['template', 'x', chart, '--kube-version', '1.30.0', ...values.flatMap((v) => ['--set', v])]).then(
        () => '',
        (error: { stderr?: string }) => error.stderr ?? String(error),
      );
      t.match(result, message, values.join(' '));
    }
  });

  t.test('API keys from a mounted Secret; the ServiceMonitor sends one when /metrics needs it', async (t) => {
    const objects = sets.get('auth')!;
    const secret = objects.find((o) => o.kind === 'Secret')!;
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const env = new Map(app(d).env?.map((e) => [e.name, e.value]));
      const file = env.get('API_KEYS_FILE')!;
      const mount = app(d).volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      const volume = pod(d).volumes?.find((v) => v.name === mount?.name);
      t.equal(volume?.secret?.secretName, secret.metadata.name, `${d.metadata.name}: API_KEYS_FILE is in the Secret's volume`);
      t.ok(secret.stringData?.[path.basename(file)], 'the file is a key of the Secret');
      t.equal(mount?.readOnly, true);
      t.equal(env.get('METRICS_AUTH'), 'true');
    }
    t.same(secret.stringData?.['api-keys']?.trim().split('\n'), ['ci-key-not-secret-1', 'ci-key-not-secret-2'], 'one key per line');
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    t.equal(monitor.spec?.endpoints?.[0]?.path, '/metrics');
    t.ok(monitor.spec?.endpoints?.[0]?.authorization, 'Prometheus sends a key');
    for (const [set, other] of sets) {
      if (set !== 'auth') t.notOk(other.some((o) => o.kind === 'Deployment' && app(o).env?.some((e) => e.name === 'API_KEYS_FILE')), `${set}: no key file unless asked`);
    }
  });
});

t.test('the kustomization applies the rendered manifests', async (t) => {
  const kustomization = parse(await readFile(path.join(root, 'deploy/kubernetes/kustomization.yaml'), 'utf8')) as { resources: string[] };
  for (const file of kustomization.resources) {
    await t.resolves(access(path.join(root, 'deploy/kubernetes', file)), `${file} exists`);
  }
  const namespaces = parseAllDocuments(await readFile(path.join(root, 'deploy/kubernetes/leukoserve.yaml'), 'utf8'))
    .map((d) => (d.toJS() as K8sObject | null)?.metadata.namespace)
    .filter((n) => n !== undefined);
  t.same([...new Set(namespaces)].sort(), ['kube-system', 'leukoserve'], 'the app in leukoserve, the device plugin in kube-system');
});
