/**
 * `npm run soak`: saturation with good, bad and slow uploads while faults are injected, on loopback,
 * bounded in time (~3-4 min; SOAK_SCALE=0.3 for a short run). Part 1: the app and real backend over
 * a mocked stick (fault-server.ts) that fails mid-batch, drops off, and comes back. Part 2: `node
 * dist/main.js` on the CPU, SIGTERM under load. Prints a table and writes bench/results/soak-*.json.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describeMachine } from '../machine.js';
import { readMemory } from '../proc-status.js';
import { ServerProcess } from '../server-process.js';
import { benchPaths, leukoserveSpec } from '../servers.js';
import type { StickCommand } from './fault-server.js';
import { badUploads, goodUploads, post, stalledUpload, type Outcome, type Upload } from './traffic.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const s = (seconds: number) => Math.round(seconds * SCALE * 1000);
const CLIENTS = { good: 6, bad: 3, slow: 2 };
const UPLOAD_TIMEOUT_MS = 5000;
const FAILBACK_INTERVAL_MS = 1000;
const MAX_FILE_BYTES = 20 * 2 ** 20;
/** After the stick is back: the failback (one interval), its compile, and the queue it left behind. */
const SETTLE_MS = 10_000;
const SERVER_ENV = {
  LOG_LEVEL: 'warn',
  UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS),
  FAILBACK_INTERVAL_MS: String(FAILBACK_INTERVAL_MS),
  MAX_FILE_BYTES: String(MAX_FILE_BYTES),
};
const started = Date.now();
const log = (m: string) => console.error(`[soak +${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`);

/** Runs the mix of clients until `until()` says stop; every outcome recorded. */
function load(url: () => string, good: Upload[], bad: Upload[], stop: () => boolean, counts = CLIENTS): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let i = 0;
  const pick = (list: Upload[]) => list[i++ % list.length]!;
  const worker = async (kind: Outcome['kind']) => {
    while (!stop()) {
      const outcome = kind === 'slow' ? await stalledUpload(url(), pick(good), UPLOAD_TIMEOUT_MS * 4) : await post(url(), kind, pick(kind === 'good' ? good : bad));
      outcomes.push(outcome);
      if (outcome.status === 0) await sleep(50); // refused: do not spin
    }
  };
  const workers = (Object.entries(counts) as [Outcome['kind'], number][]).flatMap(([kind, n]) => Array.from({ length: n }, () => worker(kind)));
  return Promise.all(workers).then(() => outcomes);
}

/** RSS every second until stopped: [ms since start, bytes]. */
function sampleRss(pid: number, stop: () => boolean): Promise<{ samples: [number, number][]; peak: number }> {
  return (async () => {
    const samples: [number, number][] = [];
    let peak = 0;
    while (!stop()) {
      try {
        const m = await readMemory(pid);
        samples.push([Date.now(), m.rssBytes]);
        peak = m.peakRssBytes;
      } catch {
        break; // exited
      }
      await sleep(1000);
    }
    return { samples, peak };
  })();
}

const p99 = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!);
const byCode = (xs: Outcome[]) => {
  const m: Record<string, number> = {};
  for (const o of xs) {
    const key = o.status === 0 ? `no answer (${o.error})` : `${o.status} ${o.code ?? ''}`.trim();
    m[key] = (m[key] ?? 0) + 1;
  }
  return m;
};
const MiB = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

async function faultPart(cacheDir: string, good: Upload[], bad: Upload[]) {
  const child = fork(path.join(root, 'bench/soak/fault-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...SERVER_ENV, CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const errorLines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const { level, msg } = JSON.parse(line) as { level: number; msg: string };
        if (level >= 50) errorLines.push(msg);
      } catch {
        // not a log line
      }
    }
  });
  const [{ url }] = (await once(child, 'message')) as [{ url: string }];
  log(`fault server ${url} (pid ${child.pid}); steady load ${s(45) / 1000} s`);
  const command = (c: StickCommand) => child.send(c);
  const t0 = Date.now();
  const failAt = t0 + s(45);
  const recoverAt = failAt + s(15);
  const endAt = recoverAt + SETTLE_MS + s(40);
  let done = false;
  const rss = sampleRss(child.pid!, () => done);
  const traffic = load(() => url, good, bad, () => done);
  await sleep(failAt - Date.now());
  log('stick fails mid-batch, then drops off the bus');
  command('fail');
  await sleep(recoverAt - Date.now());
  log('stick back');
  command('recover');
  await sleep(endAt - Date.now());
  done = true;
  const outcomes = await traffic;
  const devices = (await (await fetch(`${url}/devices`)).json()) as { compiled: { device: string }; failovers: unknown[]; failbacks: unknown[] };
  const memory = await rss;
  command('stop');
  await once(child, 'exit');

  const faultWindow = [failAt, recoverAt + SETTLE_MS] as const;
  const inWindow = (o: Outcome) => o.endedAt >= faultWindow[0] && o.endedAt - o.ms <= faultWindow[1];
  const goodOnes = outcomes.filter((o) => o.kind === 'good');
  const latencies = (f: (o: Outcome) => boolean) => p99(goodOnes.filter((o) => o.status === 200 && f(o)).map((o) => o.ms));
  const steadyRss = memory.samples.filter(([at]) => at > t0 + s(10) && at < failAt).map(([, b]) => b);
  const lastRss = memory.samples.filter(([at]) => at > endAt - s(20)).map(([, b]) => b);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    seconds: (endAt - t0) / 1000,
    faultWindowSeconds: [(faultWindow[0] - t0) / 1000, (faultWindow[1] - t0) / 1000],
    sent: { good: goodOnes.length, bad: outcomes.filter((o) => o.kind === 'bad').length, slow: outcomes.filter((o) => o.kind === 'slow').length },
    goodFailedOutsideFault: byCode(goodOnes.filter((o) => o.status !== 200 && !inWindow(o))),
    goodFailedInFault: byCode(goodOnes.filter((o) => o.status !== 200 && inWindow(o))),
    goodInFault: goodOnes.filter(inWindow).length,
    bad: byCode(outcomes.filter((o) => o.kind === 'bad')),
    bad5xx: outcomes.filter((o) => o.kind === 'bad' && o.status >= 500).length,
    slow: byCode(outcomes.filter((o) => o.kind === 'slow')),
    slowNotCut: outcomes.filter((o) => o.kind === 'slow' && o.error !== null).length,
    p99Ms: { beforeFault: latencies((o) => o.endedAt < faultWindow[0]), duringFault: latencies(inWindow), afterFault: latencies((o) => o.endedAt - o.ms > faultWindow[1]) },
    rssMiB: { peak: MiB(memory.peak), steadyMean: MiB(mean(steadyRss)), lastMean: MiB(mean(lastRss)) },
    errorLogLines: errorLines.length,
    errorLogMessages: [...new Set(errorLines)],
    device: { end: devices.compiled.device, failovers: devices.failovers.length, failbacks: devices.failbacks.length },
  };
}

async function sigtermPart(cacheDir: string, good: Upload[], bad: Upload[]) {
  const paths = benchPaths(root);
  const spec = await leukoserveSpec(paths, { modelDir: path.join(root, 'models/default'), cacheDir, logLevel: 'warn' });
  const server = await ServerProcess.start({ ...spec, env: { ...spec.env, ...SERVER_ENV } });
  log(`node dist/main.js (pid ${server.pid}) ready; load ${s(20) / 1000} s then SIGTERM`);
  let done = false;
  const traffic = load(() => server.url, good, bad, () => done, { good: 6, bad: 2, slow: 1 });
  await sleep(s(20));
  const sigtermAt = Date.now();
  await server.stop(60_000);
  const exitMs = Date.now() - sigtermAt;
  await sleep(500);
  done = true;
  const outcomes = await traffic;
  const accepted = outcomes.filter((o) => o.kind === 'good' && o.sentAt !== null && o.sentAt < sigtermAt);
  return {
    sent: outcomes.length,
    goodSentBeforeSigterm: accepted.length,
    lostAtSigterm: byCode(accepted.filter((o) => o.status !== 200)),
    lostAtSigtermCount: accepted.filter((o) => o.status !== 200).length,
    afterSigterm: byCode(outcomes.filter((o) => o.kind === 'good' && (o.sentAt === null || o.sentAt >= sigtermAt))),
    exitMs,
    output: server.outputTail.split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(-5),
  };
}

const cacheDir = await mkdtemp(path.join(tmpdir(), 'leukoserve-soak-'));
try {
  const [good, machine, cpuinfo] = await Promise.all([goodUploads(), describeMachine(root, benchPaths(root).python), readFile('/proc/cpuinfo', 'utf8')]);
  const bad = badUploads(MAX_FILE_BYTES);
  const flags = [...new Set(cpuinfo.match(/\b(avx512[a-z_0-9]*|amx[a-z_0-9]*|avx_vnni)\b/g) ?? [])].sort();
  const fault = await faultPart(cacheDir, good, bad);
  const sigterm = await sigtermPart(cacheDir, good, bad);
  const result = { date: new Date().toISOString(), scale: SCALE, clients: CLIENTS, settings: SERVER_ENV, machine: { ...machine, cpuFlags: flags }, fault, sigterm };
  const rows: [string, string][] = [
    ['requests sent (good / bad / slow)', `${fault.sent.good} / ${fault.sent.bad} / ${fault.sent.slow} + ${sigterm.sent} in the SIGTERM part`],
    ['good failed outside the fault window', JSON.stringify(fault.goodFailedOutsideFault)],
    [`good failed in the fault window (${fault.faultWindowSeconds.join('-')} s, ${fault.goodInFault} good)`, JSON.stringify(fault.goodFailedInFault)],
    ['5xx for bad input', String(fault.bad5xx)],
    ['bad input answers', JSON.stringify(fault.bad)],
    ['slow clients (half a body, then silence)', `${JSON.stringify(fault.slow)}; not cut: ${fault.slowNotCut}`],
    ['p99 good, ms (before / during / after fault)', `${fault.p99Ms.beforeFault} / ${fault.p99Ms.duringFault} / ${fault.p99Ms.afterFault}`],
    ['RSS MiB (peak / steady mean / last 20 s mean)', `${fault.rssMiB.peak} / ${fault.rssMiB.steadyMean} / ${fault.rssMiB.lastMean}`],
    ['device at the end (failovers, failbacks)', `${fault.device.end} (${fault.device.failovers}, ${fault.device.failbacks})`],
    ['error-level log lines', `${fault.errorLogLines} ${JSON.stringify(fault.errorLogMessages)}`],
    ['accepted requests lost at SIGTERM', `${sigterm.lostAtSigtermCount} of ${sigterm.goodSentBeforeSigterm} ${JSON.stringify(sigterm.lostAtSigterm)}`],
    ['good requests after SIGTERM', JSON.stringify(sigterm.afterSigterm)],
    ['SIGTERM to exit, ms', String(sigterm.exitMs)],
  ];
  console.log(`\nSoak on ${machine.cpuModel} (${machine.cores} cores; ${flags.join(' ') || 'no AVX-512/AMX/VNNI'}), scale ${SCALE}\n`);
  console.log('| figure | value |\n|---|---|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  const dir = path.join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  const json = JSON.stringify(result, null, 2);
  await writeFile(path.join(dir, `soak-${result.date.slice(0, 10)}.json`), json);
  await writeFile(path.join(dir, 'soak-latest.json'), json);
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
