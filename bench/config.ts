import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BenchConfigError } from './errors.js';
import { BENCH_PRECISIONS } from './precisions.js';
import type { ServedPrecision } from '../src/inference/index.js';

/** What one `npm run bench` measures and for how long. */
export interface BenchConfig {
  readonly quick: boolean;
  /** Also profile the server under load (node --cpu-prof and per-thread CPU time). */
  readonly profile: boolean;
  /** Seconds of measured load per (server, upload, concurrency) point. */
  readonly seconds: number;
  /** Seconds of unmeasured load before each point, so a point starts from a warm server. */
  readonly warmupSeconds: number;
  /** Seconds per benchmark_app run (one for each hint). */
  readonly ceilingSeconds: number;
  readonly concurrencies: readonly number[];
  /** One series each, in this order; the first also gets the start-up, latency and Flask runs, the last the soak. */
  readonly precisions: readonly ServedPrecision[];
  /** Requests sent before the final RSS reading (the leak check compares it with the reading after 100). */
  readonly memoryRequests: number;
  readonly modelDir: string;
  readonly resultsDir: string;
  /** The server's LOG_LEVEL: per-request logs are part of the service, but not of the comparison. */
  readonly logLevel: string;
}

const seconds = z.coerce.number().positive();
const count = z.coerce.number().int().positive();
const EnvSchema = z.object({
  BENCH_SECONDS: seconds.optional(),
  BENCH_WARMUP_SECONDS: z.coerce.number().nonnegative().optional(),
  BENCH_CEILING_SECONDS: seconds.optional(),
  BENCH_CONCURRENCY: z
    .string()
    .transform((s) => s.split(',').map((c) => Number(c.trim())))
    .pipe(z.array(z.number().int().positive()).min(1))
    .optional(),
  BENCH_PRECISIONS: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(z.array(z.enum(BENCH_PRECISIONS as [ServedPrecision, ...ServedPrecision[]])).min(1))
    .optional(),
  BENCH_MEMORY_REQUESTS: count.min(100, 'must be at least 100 (the first reading is taken after 100)').optional(),
  BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  MODEL_DIR: z.string().min(1).optional(),
});

/** Flags: --quick (CI smoke: short points, two concurrencies), --profile. The rest comes from BENCH_* variables. */
export function loadBenchConfig(argv: readonly string[], env: NodeJS.ProcessEnv, root: string): BenchConfig {
  let flags: { quick?: boolean; profile?: boolean };
  try {
    flags = parseArgs({ args: [...argv], options: { quick: { type: 'boolean' }, profile: { type: 'boolean' } } }).values;
  } catch (cause) {
    throw new BenchConfigError((cause as Error).message);
  }
  const given = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in EnvSchema.shape && v !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    throw new BenchConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  const quick = flags.quick ?? false;
  return {
    quick,
    profile: flags.profile ?? false,
    seconds: e.BENCH_SECONDS ?? (quick ? 2 : 10),
    warmupSeconds: e.BENCH_WARMUP_SECONDS ?? (quick ? 0.5 : 2),
    ceilingSeconds: e.BENCH_CEILING_SECONDS ?? (quick ? 3 : 15),
    concurrencies: e.BENCH_CONCURRENCY ?? (quick ? [1, 4] : [1, 2, 4, 8, 16]),
    precisions: [...new Set(e.BENCH_PRECISIONS ?? BENCH_PRECISIONS)],
    memoryRequests: e.BENCH_MEMORY_REQUESTS ?? (quick ? 300 : 10_000),
    modelDir: path.resolve(root, e.MODEL_DIR ?? 'models/default'),
    resultsDir: path.join(root, 'bench', 'results'),
    logLevel: e.BENCH_LOG_LEVEL ?? 'warn',
  };
}
