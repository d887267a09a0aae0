import { InferenceError, InferenceTimeoutError, OpenVinoError, PoolClosedError, QueueFullError } from './errors.js';
import { compileOnFirstDevice, supportedProperties, type DeviceFallback, type Logger } from './device-selection.js';
import type { CompiledModel } from './openvino/compiled-model.js';
import type { InferRequest } from './openvino/infer-request.js';
import { assertFitsPort, type PortInfo } from './openvino/port.js';
import type { Runtime } from './openvino/runtime.js';

export interface InputConversion {
  /** Feed u8 NHWC RGB and let OpenVINO convert: model_input = (u8 - mean) / scale, via the pre/post-processing API. */
  elementType: 'u8';
  layout: 'NHWC';
  mean: number;
  scale: number;
  /** The model's input layout (default NHWC); NCHW inserts a transpose. */
  modelLayout?: 'NHWC' | 'NCHW';
}

export interface PoolOptions {
  /** The model file for a device: lets the caller give the FP16 IR to MYRIAD and the FP32 IR to the CPU. */
  modelPathFor(device: string): string;
  /** Priority list, e.g. ['MYRIAD', 'CPU']: the first listed by the runtime AND compiling wins. */
  devices: string[];
  /** Default: the device's OPTIMAL_NUMBER_OF_INFER_REQUESTS. */
  numRequests?: number;
  /** Jobs waiting beyond the requests; more -> QueueFullError. */
  maxQueue: number;
  /** Per job, queue wait + inference. */
  timeoutMs: number;
  /** OpenVINO's CACHE_DIR: compiled blobs are reused on the next start. */
  cacheDir?: string;
  /** Default THROUGHPUT. */
  performanceHint?: 'LATENCY' | 'THROUGHPUT';
  inputConversion?: InputConversion;
  /**
   * INFERENCE_PRECISION_HINT on the CPU. Default f32: on CPUs with AVX512-BF16/AMX OpenVINO
   * otherwise runs bf16, whose ~1e-2 relative error breaks parity with the TensorFlow reference.
   */
  cpuPrecision?: 'f32' | 'bf16';
  /**
   * After this many failed inferences in a row (no success between), the device is taken as
   * lost (e.g. a stick pulled out): the pool stops accepting and fails its queue. Default 3.
   */
  maxConsecutiveFailures?: number;
  logger?: Logger;
}

export interface InferResult {
  /** Output 0 as f32: a copy the caller owns. */
  output: Float32Array;
  queueMs: number;
  inferMs: number;
}

export interface PoolStats {
  queued: number;
  active: number;
  completed: number;
  failed: number;
  rejected: number;
  timedOut: number;
  numRequests: number;
  maxQueue: number;
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
 * A fixed set of infer requests on one compiled model, fed from a bounded FIFO queue.
 *
 * Failure semantics: a job fails alone (OpenVinoError with OpenVINO's message) and its request is
 * reused; only `maxConsecutiveFailures` failures in a row mark the device as lost. A job that
 * times out while running is rejected at once, but its request rejoins the pool only when the
 * native inference returns (OpenVINO cannot abandon a request mid-run).
 */
export class InferencePool {
  readonly device: string;
  readonly compiledAt = new Date();
  readonly numRequests: number;
  readonly input: PortInfo;
  readonly output: PortInfo;
  readonly fallbacks: readonly DeviceFallback[];
  /**
   * Resolves with the reason once the device is taken as lost (`maxConsecutiveFailures`), so an
   * owner can fail over to another device; stays pending when the pool is merely closed.
   */
  readonly deviceLost: Promise<string>;

  readonly #markLost: (reason: string) => void;
  readonly #compiled: CompiledModel;
  readonly #requests: readonly InferRequest[];
  readonly #idle: InferRequest[];
  readonly #queue: Job[] = [];
  readonly #options: PoolOptions;
  readonly #maxConsecutiveFailures: number;
  #stopReason: string | null = null;
  #closing: Promise<void> | null = null;
  #drained: (() => void) | null = null;
  #consecutiveFailures = 0;
  #counts = { completed: 0, failed: 0, rejected: 0, timedOut: 0 };

  private constructor(compiled: CompiledModel, requests: InferRequest[], fallbacks: DeviceFallback[], options: PoolOptions) {
    this.#compiled = compiled;
    this.#requests = requests;
    this.#idle = [...requests];
    this.#options = options;
    this.#maxConsecutiveFailures = options.maxConsecutiveFailures ?? 3;
    this.device = compiled.device;
    this.numRequests = requests.length;
    this.fallbacks = fallbacks;
    [this.input] = compiled.inputs as [PortInfo];
    [this.output] = compiled.outputs as [PortInfo];
    let markLost!: (reason: string) => void;
    this.deviceLost = new Promise((resolve) => (markLost = resolve));
    this.#markLost = markLost;
  }

  /**
   * Compiles the model on the first usable device and creates the requests. Compiling blocks the
   * event loop (see Model.compile): do it at start-up, not per request.
   */
  static async create(runtime: Runtime, options: PoolOptions): Promise<InferencePool> {
    validate(options);
    const conversion = options.inputConversion;
    const properties: Record<string, string> = { PERFORMANCE_HINT: options.performanceHint ?? 'THROUGHPUT' };
    if (options.numRequests !== undefined) properties.PERFORMANCE_HINT_NUM_REQUESTS = String(options.numRequests);
    if (options.cacheDir !== undefined) properties.CACHE_DIR = options.cacheDir;
    const cpuProperties = { ...properties, INFERENCE_PRECISION_HINT: options.cpuPrecision ?? 'f32' };

    const { compiled, fallbacks } = compileOnFirstDevice(runtime, {
      devices: options.devices,
      propertiesFor: (device) => supportedProperties(runtime, device, device === 'CPU' ? cpuProperties : properties, options.logger),
      logger: options.logger,
      readModelFor(device) {
        const model = runtime.readModel(options.modelPathFor(device));
        try {
          model.applyPrePostProcessing({
            input: conversion && {
              tensorElementType: conversion.elementType,
              tensorLayout: conversion.layout,
              modelLayout: conversion.modelLayout ?? 'NHWC',
              mean: conversion.mean,
              scale: conversion.scale,
            },
            // FP16 IRs and the stick may report f16 outputs: the caller always reads f32.
            outputElementType: 'f32',
          });
          return model;
        } catch (error) {
          model.dispose();
          throw error;
        }
      },
    });
    const requests: InferRequest[] = [];
    try {
      const count = options.numRequests ?? compiled.optimalNumberOfInferRequests;
      for (let i = 0; i < count; i++) requests.push(compiled.createInferRequest());
    } catch (error) {
      for (const request of requests) request.dispose();
      compiled.dispose();
      throw error;
    }
    const pool = new InferencePool(compiled, requests, fallbacks, options);
    options.logger?.info(
      { device: pool.device, numRequests: pool.numRequests, input: pool.input, output: pool.output, fallbacks },
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
      return Promise.reject(new PoolClosedError(this.#stopReason));
    }
    try {
      assertFitsPort(this.input, input);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (this.#idle.length === 0 && this.#queue.length >= this.#options.maxQueue) {
      this.#counts.rejected++;
      return Promise.reject(new QueueFullError(this.#options.maxQueue));
    }
    return new Promise<InferResult>((resolve, reject) => {
      const job: Job = { input, enqueuedAt: performance.now(), resolve, reject, settled: false };
      job.timer = setTimeout(() => this.#timeOut(job), this.#options.timeoutMs);
      const request = this.#idle.pop();
      if (request) this.#start(request, job);
      else this.#queue.push(job);
    });
  }

  stats(): PoolStats {
    return {
      queued: this.#queue.length,
      active: this.numRequests - this.#idle.length,
      ...this.#counts,
      numRequests: this.numRequests,
      maxQueue: this.#options.maxQueue,
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
    if (error instanceof OpenVinoError && ++this.#consecutiveFailures >= this.#maxConsecutiveFailures) {
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
    this.#options.logger?.warn({ device: this.device }, reason);
    for (const job of this.#queue.splice(0)) {
      this.#settle(job);
      this.#counts.rejected++;
      job.reject(new PoolClosedError(reason));
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
    job.reject(new InferenceTimeoutError(this.#options.timeoutMs, queued ? 'queued' : 'running'));
  }

  #settle(job: Job): void {
    job.settled = true;
    clearTimeout(job.timer);
  }
}

function validate(options: PoolOptions): void {
  const problems: string[] = [];
  if (options.devices.length === 0) problems.push('devices is empty');
  if (options.numRequests !== undefined && !(Number.isInteger(options.numRequests) && options.numRequests >= 1)) {
    problems.push(`numRequests must be an integer >= 1 (got ${options.numRequests})`);
  }
  if (!(Number.isInteger(options.maxQueue) && options.maxQueue >= 0)) problems.push(`maxQueue must be an integer >= 0 (got ${options.maxQueue})`);
  if (!(options.timeoutMs > 0)) problems.push(`timeoutMs must be > 0 (got ${options.timeoutMs})`);
  if (problems.length > 0) throw new InferenceError('INVALID_POOL_OPTIONS', problems.join('; '));
}
