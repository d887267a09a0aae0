import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { CeilingError } from './errors.js';

/** What OpenVINO's own benchmark_app gets from the same IR on the same device: the ceiling. */
export interface CeilingRun {
  readonly hint: 'throughput' | 'latency';
  /** The CPU plugin's effective INFERENCE_PRECISION_HINT, as benchmark_app reports it. */
  readonly precision: string;
  readonly throughputFps: number;
  readonly latencyMedianMs: number;
  readonly latencyAverageMs: number;
  readonly inferRequests: number;
  readonly iterations: number;
}

// benchmark_app -json_stats writes every figure as a string.
const numeric = z.coerce.number().nonnegative();
const ReportSchema = z.object({
  configuration_setup: z.object({ 'number of parallel infer requests': numeric }),
  execution_results: z.object({
    'total number of iterations': numeric,
    'latency (ms)': numeric,
    'avg latency': numeric,
    throughput: numeric,
  }),
});

/**
 * `precision` forces the CPU's inference precision (-infer_precision); without it the device
 * default applies, which is bf16 on CPUs with AVX512_BF16 or AMX.
 */
export async function runBenchmarkApp(
  benchmarkApp: string,
  xml: string,
  hint: CeilingRun['hint'],
  seconds: number,
  precision?: 'f32' | 'bf16',
): Promise<CeilingRun> {
  const folder = await mkdtemp(path.join(tmpdir(), 'leukoserve-bench-'));
  const args = ['-m', xml, '-d', 'CPU', '-hint', hint, '-t', String(seconds), '-json_stats', '-report_type', 'no_counters', '-report_folder', folder];
  if (precision) args.push('-infer_precision', precision);
  try {
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(benchmarkApp, args, { maxBuffer: 16 * 1024 * 1024 }));
    } catch (cause) {
      const output = (cause as { stdout?: string; stderr?: string }).stdout ?? '';
      throw new CeilingError(`${benchmarkApp} ${args.join(' ')} failed:\n${output.slice(-2000)}`, { cause });
    }
    const report = ReportSchema.parse(JSON.parse(await readFile(path.join(folder, 'benchmark_report.json'), 'utf8')));
    const results = report.execution_results;
    return {
      hint,
      // The log line reads "INFERENCE_PRECISION_HINT: <Type: 'float32'>".
      precision: /INFERENCE_PRECISION_HINT: <Type: '(\w+)'>/.exec(stdout)?.[1] ?? 'unknown',
      throughputFps: results.throughput,
      latencyMedianMs: results['latency (ms)'],
      latencyAverageMs: results['avg latency'],
      inferRequests: report.configuration_setup['number of parallel infer requests'],
      iterations: results['total number of iterations'],
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
