import autocannon from 'autocannon';
import type { Upload } from './uploads.js';
import { UnexpectedAnswerError } from './errors.js';

/** One measured point: a server, an upload, a number of concurrent connections. */
export interface LoadPoint {
  readonly connections: number;
  readonly seconds: number;
  /** 2xx responses per second. */
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number };
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly upload: Upload;
  readonly connections: number;
  /** Either a duration or a number of requests. */
  readonly seconds?: number;
  readonly amount?: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Milliseconds rounded to the microsecond: finer digits are noise. */
const microseconds = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * POSTs the upload as a raw body from `connections` keep-alive connections. Latencies are kept per
 * response (autocannon's summary has no p95) and only for 2xx answers: an error answer is fast and
 * would flatter the latency.
 */
export async function runLoad(options: LoadOptions): Promise<LoadPoint> {
  const { upload, connections } = options;
  const latencies: number[] = [];
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}/classify`,
        method: 'POST',
        headers: { 'content-type': upload.contentType },
        body: upload.body,
        connections,
        ...(options.amount === undefined ? { duration: options.seconds ?? 10 } : { amount: options.amount }),
        timeout: 60,
      },
      (error: unknown, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx += 1;
    });
  });
  latencies.sort((a, b) => a - b);
  const seconds = result.duration;
  const mean = latencies.reduce((sum, l) => sum + l, 0) / latencies.length;
  return {
    connections,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    latencyMs: {
      p50: microseconds(percentile(latencies, 50)),
      p95: microseconds(percentile(latencies, 95)),
      p99: microseconds(percentile(latencies, 99)),
      mean: microseconds(mean),
    },
    ok: latencies.length,
    non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The top label and its score of one classification, read from a `{ predictions: [{ label, score }] }` answer. */
export interface TopPrediction {
  readonly label: string;
  readonly score: number;
}

export async function classifyOnce(url: string, upload: Upload): Promise<TopPrediction> {
  const response = await fetch(`${url}/classify`, {
    method: 'POST',
    headers: { 'content-type': upload.contentType },
    body: upload.body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new UnexpectedAnswerError(`${url}/classify answered ${response.status} to ${upload.id}: ${text}`);
  const first = (JSON.parse(text) as { predictions?: { label?: unknown; score?: unknown }[] }).predictions?.[0];
  if (typeof first?.label !== 'string' || typeof first.score !== 'number') {
    throw new UnexpectedAnswerError(`${url}/classify gave no predictions[0].label/score for ${upload.id}: ${text}`);
  }
  return { label: first.label, score: first.score };
}
