import type { Logger } from 'pino';
import { inceptionScale, preprocess, type PreprocessOptions } from '../imaging/index.js';
import {
  InferencePool,
  PoolClosedError,
  Runtime,
  type DeviceFallback,
  type DeviceInfo,
  type PoolStats,
  type RuntimeVersion,
} from '../inference/index.js';
import { loadManifest, type LoadedManifest, type Manifest } from '../model/manifest.js';
import { modelWarnings } from './model-warnings.js';
import { softmax } from './softmax.js';

export interface ClassifierOptions {
  modelDir: string;
  /** Priority list, e.g. ['MYRIAD', 'CPU']. */
  devices: string[];
  /** Default: the device's optimal number of infer requests. */
  numRequests?: number | undefined;
  maxQueue: number;
  timeoutMs: number;
  cacheDir?: string | undefined;
  performanceHint?: 'THROUGHPUT' | 'LATENCY' | undefined;
  cpuPrecision?: 'f32' | 'bf16' | undefined;
  limits: { maxPixels: number };
  logger?: Logger | undefined;
  /** Where libopenvino_c lives, when not found by the runtime's own search. */
  libDir?: string | undefined;
}

export interface Prediction {
  /** The upload's file name; null when the client sent none (raw body without ?filename=). */
  filename: string | null;
  label: string;
  score: number;
  /** Probability per label, in manifest label order; they sum to 1. */
  scores: Record<string, number>;
  timing_ms: { decode: number; queue: number; infer: number };
}

export interface ModelSummary {
  name: string;
  version: string;
  trained: boolean;
}

/** A device lost while serving (e.g. a stick pulled out) and where the model went instead. */
export interface DeviceFailover {
  device: string;
  reason: string;
  at: string;
  /** The device the model was recompiled on; null while recompiling or when none was left. */
  to: string | null;
}

export interface RuntimeReport {
  version: RuntimeVersion;
  libraryPath: string;
  available: DeviceInfo[];
  compiled: { device: string; since: string; numRequests: number; fallbacks: readonly DeviceFallback[] };
  failovers: readonly DeviceFailover[];
}

/** The parts a Classifier composes; `open` builds them, tests may share one pool between classifiers. */
export interface ClassifierParts {
  model: LoadedManifest;
  runtime: Runtime;
  pool: InferencePool;
  maxPixels: number;
  /** How to recompile on the devices after a lost one; without it a lost device stays lost. */
  failover?: { devices: readonly string[]; reopen(devices: string[]): Promise<InferencePool> };
  logger?: Logger | undefined;
}

/** Whether a device runs the FP16 IR: the NCS/NCS2 computes in FP16 only, also behind MULTI:. */
export function wantsFp16(device: string): boolean {
  return /^(MULTI:)?MYRIAD/.test(device);
}

/** Model input height and width from the manifest's shape and layout. */
function spatialSize(input: Manifest['input']): { height: number; width: number } {
  const [, a, b, c] = input.shape as [number, number, number, number];
  return input.layout === 'NHWC' ? { height: a, width: b } : { height: b, width: c };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Image bytes -> labelled prediction: decode and crop (imaging), infer (pool), read the output
 * against the manifest's labels. Shared by the HTTP service and the CLI.
 */
export class Classifier {
  readonly model: LoadedManifest;
  readonly warnings: readonly string[];
  readonly failovers: DeviceFailover[] = [];
  private readonly runtime: Runtime;
  private pool: InferencePool;
  private readonly failover: ClassifierParts['failover'];
  private readonly logger: Logger | undefined;
  /** A recompilation after a lost device; close() waits for it. */
  private failingOver: Promise<void> | null = null;
  private readonly preprocessOptions: PreprocessOptions;
  private readonly logits: boolean;
  private closing: Promise<void> | null = null;
  /** classify() calls not finished yet: close() waits for them, including those still decoding. */
  private readonly pending = new Set<Promise<Prediction>>();

  constructor(parts: ClassifierParts) {
    this.model = parts.model;
    this.runtime = parts.runtime;
    this.pool = parts.pool;
    this.failover = parts.failover;
    this.logger = parts.logger;
    this.watch(parts.pool);
    const { manifest } = parts.model;
    this.warnings = modelWarnings(manifest);
    this.logits = manifest.output.kind === 'logits';
    this.preprocessOptions = {
      ...spatialSize(manifest.input),
      centralFraction: manifest.preprocessing.central_fraction,
      maxPixels: parts.maxPixels,
    };
  }

  static async open(options: ClassifierOptions): Promise<Classifier> {
    const model = await loadManifest(options.modelDir);
    const { manifest } = model;
    const runtime = Runtime.open(options.libDir === undefined ? {} : { libDir: options.libDir });
    try {
      const { mean, scale } = inceptionScale(manifest.preprocessing.range);
      const createPool = (devices: string[]) => InferencePool.create(runtime, {
        modelPathFor: (device) => model.irPath(wantsFp16(device) ? 'fp16' : 'fp32'),
        devices,
        ...(options.numRequests === undefined ? {} : { numRequests: options.numRequests }),
        maxQueue: options.maxQueue,
        timeoutMs: options.timeoutMs,
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
        ...(options.performanceHint === undefined ? {} : { performanceHint: options.performanceHint }),
        ...(options.cpuPrecision === undefined ? {} : { cpuPrecision: options.cpuPrecision }),
        // The model scales u8 pixels to the manifest's range itself, on the device: 3x less data to copy.
        inputConversion: { elementType: 'u8', layout: 'NHWC', mean, scale, modelLayout: manifest.input.layout },
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
      const pool = await createPool(options.devices);
      const classifier = new Classifier({
        model,
        runtime,
        pool,
        maxPixels: options.limits.maxPixels,
        failover: { devices: options.devices, reopen: createPool },
        logger: options.logger,
      });
      try {
        classifier.checkPorts();
      } catch (error) {
        await pool.close();
        throw error;
      }
      return classifier;
    } catch (error) {
      runtime.dispose();
      throw error;
    }
  }

  /** The compiled model must take the manifest's input size and give one value per label. */
  private checkPorts(): void {
    const { height, width } = this.preprocessOptions;
    const inputSize = this.pool.input.shape.reduce((a, b) => a * b, 1);
    const outputSize = this.pool.output.shape.reduce((a, b) => a * b, 1);
    const labels = this.model.manifest.labels.length;
    if (inputSize !== height * width * 3) {
      throw new Error(`model input ${this.pool.input.name} has shape [${this.pool.input.shape.join(',')}], manifest says ${height}x${width}x3`);
    }
    if (outputSize !== labels) {
      throw new Error(`model output ${this.pool.output.name} has ${outputSize} values, manifest lists ${labels} labels`);
    }
  }

  get summary(): ModelSummary {
    const { name, version, trained } = this.model.manifest;
    return { name, version, trained };
  }

  /** The device the model is compiled on. */
  get device(): string {
    return this.pool.device;
  }

  get ready(): boolean {
    return this.notReadyReason === null;
  }

  /** Why the classifier cannot take work now, or null when it can. */
  get notReadyReason(): string | null {
    if (this.closing !== null) return 'the service is shutting down';
    if (this.pool.accepting) return null;
    const last = this.failovers.at(-1);
    if (last === undefined) return `the inference pool on ${this.pool.device} is not accepting work`;
    return last.to === null && this.failingOver !== null
      ? `${last.device} was lost (${last.reason}); recompiling on the next device`
      : `${last.device} was lost (${last.reason}) and no other device could take the model`;
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  runtimeReport(): RuntimeReport {
    return {
      version: this.runtime.version,
      libraryPath: this.runtime.libraryPath,
      available: this.runtime.availableDevices(),
      compiled: {
        device: this.pool.device,
        since: this.pool.compiledAt.toISOString(),
        numRequests: this.pool.numRequests,
        fallbacks: this.pool.fallbacks,
      },
      failovers: this.failovers,
    };
  }

  classify(bytes: Uint8Array, filename: string | null = null): Promise<Prediction> {
    if (this.closing !== null) return Promise.reject(new PoolClosedError('the classifier is closing'));
    const work = this.run(bytes, filename);
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  private async run(bytes: Uint8Array, filename: string | null): Promise<Prediction> {
    const started = performance.now();
    const image = await preprocess(bytes, this.preprocessOptions);
    const decode = performance.now() - started;
    const { output, queueMs, inferMs } = await this.pool.run(image.pixels);
    const probabilities = this.logits ? softmax(output) : output;
    const { labels } = this.model.manifest;
    const scores: Record<string, number> = {};
    let best = 0;
    for (let i = 0; i < labels.length; i++) {
      scores[labels[i]!] = probabilities[i]!;
      if (probabilities[i]! > probabilities[best]!) best = i;
    }
    return {
      filename,
      label: labels[best]!,
      score: probabilities[best]!,
      scores,
      timing_ms: { decode: round(decode), queue: round(queueMs), infer: round(inferMs) },
    };
  }

  /** Refuse new images, finish the ones started (decoding, queued, running), then free every native object. Idempotent. */
  close(): Promise<void> {
    const closing = this.closing ?? this.drain();
    this.closing = closing;
    return closing;
  }

  /** Fail over when `pool`'s device is lost: recompile on the devices after it in the priority list. */
  private watch(pool: InferencePool): void {
    void pool.deviceLost.then((reason) => {
      if (this.closing !== null || this.failover === undefined) return;
      const { devices, reopen } = this.failover;
      const remaining = devices.slice(devices.indexOf(pool.device) + 1);
      const record: DeviceFailover = { device: pool.device, reason, at: new Date().toISOString(), to: null };
      this.failovers.push(record);
      this.logger?.warn({ device: pool.device, reason, remaining }, `inference device ${pool.device} lost; failing over to ${remaining.join(', ') || 'nothing'}`);
      this.failingOver = (async () => {
        await pool.close();
        if (remaining.length === 0 || this.closing !== null) return;
        try {
          const next = await reopen(remaining);
          this.pool = next;
          record.to = next.device;
          this.watch(next);
          this.logger?.info({ device: next.device }, `model recompiled on ${next.device} after losing ${record.device}`);
        } catch (error) {
          this.logger?.error({ err: error }, `no device left after losing ${record.device}`);
        }
      })().finally(() => (this.failingOver = null));
    });
  }

  private async drain(): Promise<void> {
    try {
      await Promise.allSettled([...this.pending]);
      await this.failingOver;
      await this.pool.close();
    } finally {
      this.runtime.dispose();
    }
  }
}
