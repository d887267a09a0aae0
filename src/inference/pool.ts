import type { BackendStats, DeviceFallback, ExecutionPrecision, InferResult, Logger } from './backend.js';
import type { DevicePool } from './device-pool.js';
import { BackendNotReadyError, InferenceTimeoutError, OpenVinoError, QueueFullError } from './errors.js';
import type { CompiledModel } from './openvino/compiled-model.js';
import type { InferRequest } from './openvino/infer-request.js';
import { assertFitsPort, type PortInfo } from './openvino/port.js';
import { MAX_CONSECUTIVE_FAILURES, type InferenceSettings } from './settings.js';

export type PoolSettings = Pick<InferenceSettings, 'numRequests' | 'maxQueue' | 'timeoutMs'>;

export interface PoolOrigin {
  fallbacks: readonly DeviceFallback[];
  precision: ExecutionPrecision;
  logger?: Logger | undefined;
}

interface Job {
  readonly input: Uint8Array | Float32Array;
  readonly enqueuedAt: number;
  readonly resolve: (result: InferResult) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  startedAt?: number;
  settled: boolean;
}

/**
 * The CPU gets two requests per stream (its optimum is one): with one, a stream that finishes idles
 * until the event loop has taken the result and handed it the next image, 4.5 % of the CPU at int8
 * (`npm run bench:point`); with two, the next one is already queued inside OpenVINO. Other devices
 * (the stick's optimum is 4) pipeline already.
 */
const CPU_REQUESTS_PER_STREAM = 2;

function defaultRequestCount(compiled: CompiledModel): number {
  const optimal = compiled.optimalNumberOfInferRequests;
  return compiled.device === 'CPU' ? optimal * CPU_REQUESTS_PER_STREAM : optimal;
}

/**
 * A fixed set of infer requests on one compiled model, fed from a bounded FIFO queue.
 *
 * Failure semantics: a job fails alone (OpenVinoError with OpenVINO's message) and its request is
 * reused; only `maxConsecutiveFailures` failures in a row mark the device as lost. A job that
 * times out while running is rejected at once, but its request rejoins the pool only when the
 * native inference returns (OpenVINO cannot abandon a request mid-run).
 */
export class InferencePool implements DevicePool {
  readonly device: string;
  readonly compiledAt = new Date();
  readonly numRequests: number;
  readonly input: PortInfo;
  readonly output: PortInfo;
  readonly fallbacks: readonly DeviceFallback[];
  readonly precision: ExecutionPrecision;
  readonly deviceLost: Promise<string>;

  readonly #markLost: (reason: string) => void;
  readonly #compiled: CompiledModel;
  readonly #requests: readonly InferRequest[];
  readonly #idle: InferRequest[];
  readonly #queue: Job[] = [];
  readonly #settings: PoolSettings;
  readonly #logger: Logger | undefined;
  #stopReason: string | null = null;
  #closing: Promise<void> | null = null;
  #drained: (() => void) | null = null;
  #consecutiveFailures = 0;
  #counts = { completed: 0, failed: 0, rejected: 0, timedOut: 0 };

  private constructor(compiled: CompiledModel, requests: InferRequest[], settings: PoolSettings, origin: PoolOrigin) {
    this.#compiled = compiled;
    this.#requests = requests;
    this.#idle = [...requests];
    this.#settings = settings;
    this.#logger = origin.logger;
    this.device = compiled.device;
    this.numRequests = requests.length;
    this.fallbacks = origin.fallbacks;
    this.precision = origin.precision;
    [this.input] = compiled.inputs as [PortInfo];
    [this.output] = compiled.outputs as [PortInfo];
    let markLost!: (reason: string) => void;
    this.deviceLost = new Promise((resolve) => (markLost = resolve));
    this.#markLost = markLost;
  }

  /** Takes ownership of `compiled` and creates its infer requests (numRequests, or defaultRequestCount). */
  static create(compiled: CompiledModel, settings: PoolSettings, origin: PoolOrigin): InferencePool {
    const requests: InferRequest[] = [];
    try {
      const count = settings.numRequests ?? defaultRequestCount(compiled);
      for (let i = 0; i < count; i++) requests.push(compiled.createInferRequest());
    } catch (error) {
      for (const request of requests) request.dispose();
      compiled.dispose();
      throw error;
    }
    const pool = new InferencePool(compiled, requests, settings, origin);
    origin.logger?.info(
      { device: pool.device, numRequests: pool.numRequests, input: pool.input, output: pool.output, fallbacks: pool.fallbacks, precision: pool.precision },
      `inference pool ready on ${pool.device}`,
    );
    return pool;
  }

  get accepting(): boolean {
    return this.#stopReason === null;
  }

  /** Queues one inference; `input` is copied into a request's own tensor when the job starts. */
  run(input: Uint8Array | Float32Array): Promise<InferResult> {
    if (this.#stopReason !== null) {
      this.#counts.rejected++;
      return Promise.reject(new BackendNotReadyError(this.#stopReason));
    }
    try {
      assertFitsPort(this.input, input);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (this.#idle.length === 0 && this.#queue.length >= this.#settings.maxQueue) {
      this.#counts.rejected++;
      return Promise.reject(new QueueFullError(this.#settings.maxQueue));
    }
    return new Promise<InferResult>((resolve, reject) => {
      const job: Job = { input, enqueuedAt: performance.now(), resolve, reject, settled: false };
      job.timer = setTimeout(() => this.#timeOut(job), this.#settings.timeoutMs);
      const request = this.#idle.pop();
      if (request) this.#start(request, job);
      else this.#queue.push(job);
    });
  }

  stats(): BackendStats {
    return {
      queued: this.#queue.length,
      active: this.numRequests - this.#idle.length,
      ...this.#counts,
      numRequests: this.numRequests,
      maxQueue: this.#settings.maxQueue,
    };
  }

  /** Stops accepting, lets queued and running jobs finish, then frees the native objects. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#drainAndFree();
    return this.#closing;
  }

  async #drainAndFree(): Promise<void> {
    this.#stopReason ??= 'the pool was closed';
    if (this.#queue.length > 0 || this.#idle.length < this.numRequests) {
      await new Promise<void>((resolve) => (this.#drained = resolve));
    }
    for (const request of this.#requests) request.dispose();
    this.#compiled.dispose();
  }

  #start(request: InferRequest, job: Job): void {
    job.startedAt = performance.now();
    Promise.resolve()
      .then(() => {
        request.setInput(job.input);
        return request.infer();
      })
      .then(() => request.readOutput())
      .then(
        (output) => this.#succeed(job, output),
        (error: Error) => this.#fail(job, error),
      )
      .finally(() => this.#release(request));
  }

  #succeed(job: Job, output: Float32Array): void {
    this.#consecutiveFailures = 0;
    if (job.settled) return;
    this.#settle(job);
    this.#counts.completed++;
    const now = performance.now();
    const startedAt = job.startedAt ?? now;
    job.resolve({ output, queueMs: startedAt - job.enqueuedAt, inferMs: now - startedAt });
  }

  #fail(job: Job, error: Error): void {
    if (error instanceof OpenVinoError && ++this.#consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
      const reason = `${this.device} failed ${this.#consecutiveFailures} inferences in a row, last: ${error.message}`;
      if (this.#stopReason === null) this.#markLost(reason);
      this.#stopAccepting(reason);
    }
    if (job.settled) return;
    this.#settle(job);
    this.#counts.failed++;
    job.reject(error);
  }

  #stopAccepting(reason: string): void {
    if (this.#stopReason !== null) return;
    this.#stopReason = reason;
    this.#logger?.warn({ device: this.device }, reason);
    for (const job of this.#queue.splice(0)) {
      this.#settle(job);
      this.#counts.rejected++;
      job.reject(new BackendNotReadyError(reason));
    }
  }

  #release(request: InferRequest): void {
    const next = this.#queue.shift();
    if (next) {
      this.#start(request, next);
      return;
    }
    this.#idle.push(request);
    if (this.#drained && this.#idle.length === this.numRequests) this.#drained();
  }

  #timeOut(job: Job): void {
    if (job.settled) return;
    const queued = job.startedAt === undefined;
    if (queued) this.#queue.splice(this.#queue.indexOf(job), 1);
    this.#settle(job);
    this.#counts.timedOut++;
    job.reject(new InferenceTimeoutError(this.#settings.timeoutMs, queued ? 'queued' : 'running'));
  }

  #settle(job: Job): void {
    job.settled = true;
    clearTimeout(job.timer);
  }
}
