/**
 * `npm run bench:explain`: /classify latency (p50, p95) from a few sequential clients, first alone, then
 * while explanations run back to back, on the real CPU over loopback. Shows whether one /explain
 * (122 inferences by default) starves /classify: explanations keep at most half the infer requests'
 * worth of variants queued, so a /classify image waits behind a few variants, not a whole explanation.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, serviceSettings } from '../src/config/index.js';
import { buildApp } from '../src/http/app.js';
import { Classifier } from '../src/service/index.js';
import { pino } from 'pino';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLIENTS = 2;
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_REQUESTS ?? 25);
const cell = readFileSync(path.join(ROOT, 'test/fixtures/images/c-nmc/UID_1_2_2_all.bmp'));

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const { config } = loadConfig(process.argv.slice(2), { DEVICE: 'CPU', ...process.env });
const classifier = await Classifier.open(serviceSettings(config));
const app = await buildApp(classifier, config, pino({ level: 'silent' }));
const base = await app.listen({ host: '127.0.0.1', port: 0 });

async function classifyLoad(): Promise<{ p50: number; p95: number; n: number }> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        const started = performance.now();
        const res = await fetch(`${base}/classify`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: cell });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`/classify ${res.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), n: latencies.length };
}

async function explainOnce(): Promise<{ ms: number; inferences: number }> {
  const started = performance.now();
  const res = await fetch(`${base}/explain`, { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: cell });
  const body = (await res.json()) as { explanation: { inferences: number } };
  if (!res.ok) throw new Error(`/explain ${res.status}`);
  return { ms: performance.now() - started, inferences: body.explanation.inferences };
}

try {
  await classifyLoad(); // warm-up
  const alone = await explainOnce();
  const without = await classifyLoad();
  let stop = false;
  const explanations: { ms: number; inferences: number }[] = [];
  const explaining = (async () => {
    while (!stop) explanations.push(await explainOnce());
  })();
  const during = await classifyLoad();
  stop = true;
  await explaining;
  const flags = execFileSync('sh', ['-c', "grep -o 'avx512[a-z_0-9]*\\|amx[a-z_0-9]*\\|avx_vnni' /proc/cpuinfo | sort -u | tr '\\n' ' '"]).toString().trim();
  const { numRequests } = classifier.stats();
  const result = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    flags,
    cores: os.availableParallelism(),
    device: classifier.device,
    numRequests,
    explainInFlight: Math.max(1, Math.floor(numRequests / 2)),
    clients: CLIENTS,
    explanationAlone: alone,
    explanationsDuringLoad: explanations.length,
    classifyWithout: without,
    classifyDuring: during,
  };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const report = [
    `# /explain vs /classify (${new Date().toISOString()})`,
    '',
    `CPU: ${result.cpu} (${result.cores} cores${flags === '' ? '' : `, ${flags}`}); device ${result.device}, ${numRequests} infer requests, explanations keep at most ${result.explainInFlight} in flight.`,
    '',
    `One explanation alone (patch 48, stride 24): ${alone.inferences} inferences in ${(alone.ms / 1000).toFixed(1)} s.`,
    '',
    `| /classify, ${CLIENTS} sequential clients, ${without.n} requests | p50 | p95 |`,
    '|---|---|---|',
    `| alone | ${ms(without.p50)} | ${ms(without.p95)} |`,
    `| while explanations run back to back (${explanations.length} done meanwhile) | ${ms(during.p50)} | ${ms(during.p95)} |`,
    '',
  ].join('\n');
  process.stdout.write(report);
  writeFileSync(path.join(ROOT, 'bench/results/explain.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(ROOT, 'bench/results/explain.md'), report);
} finally {
  await app.close();
  await classifier.close();
}
