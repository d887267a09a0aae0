import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Where the server's time went during one load window. */
export interface ProfileSummary {
  readonly upload: string;
  readonly precision: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** CPU seconds per thread name over the window; 1 s per second of window = one core busy. */
  readonly threads: readonly { readonly name: string; readonly cpuSeconds: number }[];
  /** JS main thread (node --cpu-prof), self time, window only. */
  readonly mainThread: {
    readonly sampledMs: number;
    readonly byOrigin: readonly { readonly origin: string; readonly selfMs: number }[];
    readonly topFunctions: readonly { readonly fn: string; readonly origin: string; readonly selfMs: number }[];
  };
}

const CpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** The main thread's .cpuprofile among those node --cpu-prof wrote into a directory. */
export async function readCpuProfile(dir: string): Promise<z.infer<typeof CpuProfileSchema>> {
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: the compile worker writes one too; thread 0 is the main thread.
  const files = (await readdir(dir)).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (files.length !== 1 || !files[0]) throw new Error(`expected one main-thread .cpuprofile in ${dir}, found ${files.length}`);
  return CpuProfileSchema.parse(JSON.parse(await readFile(path.join(dir, files[0]), 'utf8')));
}

/** Microseconds on the monotonic clock that V8's profiler stamps its samples with (on Linux). */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** What a script URL belongs to: a package, node itself, or a leukoserve source file. */
function originOf(url: string, root: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const local = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(local);
  if (pkg?.[1]) return pkg[1];
  return path.relative(root, local);
}

/**
 * Self time per function and per origin, counting only samples inside [fromUs, toUs] (the load
 * window, on the monotonic clock that both V8's profiler and process.hrtime use on Linux), so
 * start-up and model compilation do not blur the picture.
 */
export function summariseMainThread(
  profile: z.infer<typeof CpuProfileSchema>,
  fromUs: number,
  toUs: number,
  root: string,
  top = 15,
): ProfileSummary['mainThread'] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, { fn: string; origin: string; selfMs: number }>();
  const byOrigin = new Map<string, number>();
  let at = profile.startTime;
  let sampledMs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    const frame = frames.get(id);
    if (!frame) return;
    const ms = delta / 1000;
    const origin = frame.functionName.startsWith('(') ? frame.functionName : originOf(frame.url, root);
    const fn = `${frame.functionName || '(anonymous)'}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    const key = `${origin}\0${fn}`;
    const entry = byFunction.get(key) ?? { fn, origin, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
    sampledMs += ms;
  });
  return {
    sampledMs,
    byOrigin: [...byOrigin].map(([origin, selfMs]) => ({ origin, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
    topFunctions: [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
  };
}

/** CPU seconds per thread name spent between two readings of readThreadCpu. */
export function threadCpuBetween(before: Map<string, number>, after: Map<string, number>): ProfileSummary['threads'] {
  return [...after]
    .map(([name, total]) => ({ name, cpuSeconds: total - (before.get(name) ?? 0) }))
    .filter((t) => t.cpuSeconds > 0)
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}
