import { ImageDecoder, inceptionScale, releaseBuffer, type DecodeRunOptions } from '../imaging/index.js';
import {
  openBackend,
  type BackendReport,
  type BackendStats,
  type FasterPrecision,
  type InferenceBackend,
  type InferenceSettings,
  type InferResult,
  type Logger,
  type ModelPrecisions,
  type OpenVinoDevicesOptions,
  type Readiness,
} from '../inference/index.js';
import { loadManifest, type LoadedManifest, type Manifest } from '../model/manifest.js';
import type { ModelSummary, Prediction, PredictionSource } from './classify-response.js';
import { ClassifierClosedError, InvalidTensorError, ModelMismatchError } from './errors.js';
import type { Explanation } from './explain/explain-response.js';
import { occlusionMap, type OcclusionInput, type OcclusionMap, type OcclusionOptions } from './explain/occlusion.js';
import { modelWarnings } from './model-warnings.js';
import { toPixelGrid } from './pixel-grid.js';
import { meanProbabilities, ttaVariants, type TtaMode } from './tta.js';

/** Everything a Classifier is opened with: config maps to this once (src/config/service-settings.ts). */
export interface ClassifierSettings {
  modelDir: string;
  inference: InferenceSettings;
  imaging: ImagingSettings;
  /** Test-time augmentation of /classify and `classify` (default off); explanations never use it. */
  tta?: TtaMode | undefined;
  logger?: Logger | undefined;
}

/** An explanation with what drawing it needs: the crop the model saw and the occlusion map. */
export interface ExplainResult {
  prediction: Prediction;
  explanation: Explanation;
  input: OcclusionInput;
  map: OcclusionMap;
}

/** How uploads are decoded: budgets in pixels, time and concurrency, and what to do with damage. */
export interface ImagingSettings {
  /** Most decoded pixels per image, checked from the header before decoding. */
  maxPixels: number;
  /** Longest one decode may take once it runs. */
  decodeTimeoutMs: number;
  /** Decodes at once; undefined = the infer requests plus one (at most 3: libuv has 4 threads). */
  maxConcurrentDecodes?: number | undefined;
  /** Classify damaged-but-decodable images with a warning instead of refusing them. */
  acceptDamaged: boolean;
}

/** The manifest's IR files and its measured agreement with f32, as plain data for the inference layer. */
export function modelPrecisions(model: LoadedManifest): ModelPrecisions {
  const agreement: ModelPrecisions['agreement'] = {};
  for (const [precision, record] of Object.entries(model.manifest.agreement?.precisions ?? {})) {
    if (record?.measured) {
      agreement[precision as FasterPrecision] = { labelAgreement: record.label_agreement, maxAbsScoreDelta: record.max_abs_score_delta };
    }
  }
  return { irs: { fp32: model.irPath('fp32'), fp16: model.irPath('fp16'), int8: model.irPath('int8') }, agreement };
}

/** How the OpenVINO backend runs a manifest's model: the model scales u8 pixels to its range itself, on the device. */
export function backendOptions(model: LoadedManifest, settings: ClassifierSettings): OpenVinoDevicesOptions {
  const { input, preprocessing } = model.manifest;
  const { mean, scale } = inceptionScale(preprocessing.range);
  return {
    model: modelPrecisions(model),
    inputConversion: { mean, scale, modelLayout: input.layout },
    settings: settings.inference,
    logger: settings.logger,
  };
}

/** Model input height and width from the manifest's shape and layout. */
function spatialSize(input: Manifest['input']): { height: number; width: number } {
  const [, a, b, c] = input.shape as [number, number, number, number];
  return input.layout === 'NHWC' ? { height: a, width: b } : { height: b, width: c };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Image bytes -> labelled prediction: decode and crop (imaging), infer (any InferenceBackend), read
 * the output against the manifest's labels. Shared by the HTTP service and the CLI; knows nothing
 * of devices.
 */
export class Classifier implements PredictionSource {
  readonly model: LoadedManifest;
  readonly #backend: InferenceBackend;
  readonly #modelWarnings: readonly string[];
  readonly #decoder: ImageDecoder;
  readonly #logits: boolean;
  readonly #tta: TtaMode;
  readonly #size: { height: number; width: number };
  #closing: Promise<void> | null = null;
  /** classify() calls not finished yet: close() waits for them, including those still decoding. */
  readonly #pending = new Set<Promise<unknown>>();
  /** The model's input scaling, which tensors sent as floats are checked against. */
  readonly #scaling: { mean: number; scale: number };
  /** Opens the model with its own f32 input, for float tensors off the u8 grid; compiled on first use. */
  readonly #openFloatBackend: (() => Promise<InferenceBackend>) | null;
  #floatBackend: Promise<InferenceBackend> | null = null;

  /**
   * Takes ownership of `backend`; refuses (ModelMismatchError) a model that does not fit the manifest.
   * `openFloatBackend`, when given, opens the model taking f32 in the model's range (see classifyTensor).
   */
  constructor(
    model: LoadedManifest,
    backend: InferenceBackend,
    settings: Pick<ClassifierSettings, 'imaging' | 'inference' | 'tta'>,
    openFloatBackend: (() => Promise<InferenceBackend>) | null = null,
  ) {
    const { manifest } = model;
    this.model = model;
    this.#backend = backend;
    this.#scaling = inceptionScale(manifest.preprocessing.range);
    this.#openFloatBackend = openFloatBackend;
    this.#modelWarnings = modelWarnings(manifest);
    this.#logits = manifest.output.kind === 'logits';
    const { height, width } = spatialSize(manifest.input);
    this.#size = { height, width };
    this.#tta = settings.tta ?? 'off';
    const { imaging } = settings;
    this.#decoder = new ImageDecoder({
      height,
      width,
      centralFraction: manifest.preprocessing.central_fraction,
      maxPixels: imaging.maxPixels,
      maxConcurrentDecodes: imaging.maxConcurrentDecodes ?? Math.min(backend.stats().numRequests + 1, 3),
      maxQueuedDecodes: settings.inference.maxQueue,
      deadlineMs: imaging.decodeTimeoutMs,
      acceptDamaged: imaging.acceptDamaged,
    });
    const { input, output } = backend;
    if (product(input.shape) !== height * width * 3) {
      throw new ModelMismatchError(`model input ${input.name} has shape [${input.shape.join(',')}], manifest says ${height}x${width}x3`);
    }
    if (product(output.shape) !== manifest.labels.length) {
      throw new ModelMismatchError(`model output ${output.name} has ${product(output.shape)} values, manifest lists ${manifest.labels.length} labels`);
    }
  }

  /** The manifest's model on the OpenVINO backend. */
  static async open(settings: ClassifierSettings): Promise<Classifier> {
    const model = await loadManifest(settings.modelDir);
    const options = backendOptions(model, settings);
    const backend = await openBackend(options);
    // The model's own input is f32 NHWC in its range: a float tensor off the u8 grid can go to it as is.
    const { layout, element_type } = model.manifest.input;
    const openFloat = layout === 'NHWC' && element_type === 'f32' ? () => openBackend({ ...options, inputConversion: undefined }) : null;
    try {
      return new Classifier(model, backend, settings, openFloat);
    } catch (error) {
      await backend.close();
      throw error;
    }
  }

  get summary(): ModelSummary {
    const { name, version, trained } = this.model.manifest;
    const { served, ir } = this.#backend.precision;
    return { name, version, trained, precision: served, ir };
  }

  /** The test-time augmentation in use. */
  get tta(): TtaMode {
    return this.#tta;
  }

  /** The model input's size: what an explanation's patch slides over. */
  get inputSize(): { height: number; width: number } {
    return this.#size;
  }

  /** The device serving the model. */
  get device(): string {
    return this.#backend.device;
  }

  /** Said in every response and at start: an untrained model, a device computing in less than asked. */
  warnings(): string[] {
    return [...this.#modelWarnings, ...this.#backend.warnings()];
  }

  readiness(): Readiness {
    return this.#closing !== null ? { ready: false, reason: 'the service is shutting down' } : this.#backend.readiness();
  }

  stats(): BackendStats {
    return this.#backend.stats();
  }

  inferenceReport(): BackendReport {
    return this.#backend.report();
  }

  /** With `releaseBytes` the caller hands `bytes` over, to be freed as soon as decoding has ended (DecodeRunOptions). */
  classify(bytes: Uint8Array, filename: string | null = null, options: DecodeRunOptions = {}): Promise<Prediction> {
    return this.#track(() => this.#run(bytes, filename, options));
  }

  /** Occlusion sensitivity of one image: decoded once, its occluded variants run through the backend with at most half the infer requests (at least one) in flight. */
  explain(bytes: Uint8Array, filename: string | null, options: OcclusionOptions): Promise<ExplainResult> {
    return this.#track(async () => {
      const started = performance.now();
      const image = await this.#decoder.run(bytes);
      const decode = performance.now() - started;
      const timing = { queueMs: 0, inferMs: 0 };
      const probabilities = async (pixels: Uint8Array) => {
        const result = await this.#backend.run(pixels);
        timing.queueMs += result.queueMs;
        timing.inferMs += result.inferMs;
        return meanProbabilities([result], this.#logits).probabilities;
      };
      const map = await occlusionMap(image, options, probabilities, Math.max(1, Math.floor(this.#backend.stats().numRequests / 2)));
      const prediction = this.#prediction(map.base, filename, { decode, queue: timing.queueMs, infer: timing.inferMs }, image.warnings);
      const { rows, cols, grid, inferences } = map;
      const explanation: Explanation = {
        method: 'occlusion',
        label: prediction.label,
        input: { width: image.width, height: image.height },
        ...options,
        rows,
        cols,
        grid,
        inferences,
        ms: round(performance.now() - started),
      };
      return { prediction, explanation, input: image, map };
    });
  }

  /**
   * One already-preprocessed image, NHWC RGB at the model's size: u8 pixels (the service's own
   * preprocessing output), or f32 in the model's range. Floats on the u8 grid, (u - mean) / scale,
   * are snapped to it and run as u8: the same scores as the image through classify(). Floats off it
   * run on a second compilation of the model taking f32 (compiled on first use, kept after).
   */
  classifyTensor(pixels: Uint8Array | Float32Array): Promise<Prediction> {
    return this.#track(() => this.#runTensor(pixels));
  }

  /** Values per image the model takes: height x width x 3. */
  get tensorSize(): number {
    return this.#size.height * this.#size.width * 3;
  }

  /** The crop the model sees for an image (u8 RGB, the input size): what a report shows. */
  modelInput(bytes: Uint8Array): Promise<OcclusionInput> {
    return this.#track(() => this.#decoder.run(bytes));
  }

  /** Runs `work` unless closing, and lets close() wait for it. */
  #track<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing !== null) return Promise.reject(new ClassifierClosedError());
    const running = work();
    this.#pending.add(running);
    const forget = () => this.#pending.delete(running);
    running.then(forget, forget);
    return running;
  }

  async #run(bytes: Uint8Array, filename: string | null, options: DecodeRunOptions): Promise<Prediction> {
    const started = performance.now();
    const image = await this.#decoder.run(bytes, options);
    const decode = performance.now() - started;
    const { width, height } = this.#size;
    const variants = ttaVariants(this.#tta, image.pixels, width, height);
    // Every run settled (the backend has copied its input or dropped the job), then the pixels are freed at once.
    const settled = await Promise.allSettled(variants.map((v) => this.#backend.run(v)));
    for (const v of variants) releaseBuffer(v);
    const results: InferResult[] = [];
    for (const run of settled) {
      if (run.status === 'rejected') throw run.reason as Error;
      results.push(run.value);
    }
    const { probabilities, queueMs, inferMs } = meanProbabilities(results, this.#logits);
    return this.#prediction(probabilities, filename, { decode, queue: queueMs, infer: inferMs }, image.warnings);
  }

  async #runTensor(pixels: Uint8Array | Float32Array): Promise<Prediction> {
    if (pixels.length !== this.tensorSize) {
      throw new InvalidTensorError(`a tensor of ${pixels.length} values; the model takes ${this.tensorSize} per image (NHWC ${this.model.manifest.input.shape.slice(1).join('x')})`);
    }
    let backend = this.#backend;
    let input = pixels;
    if (pixels instanceof Float32Array) {
      const { mean, scale } = this.#scaling;
      const [lo, hi] = this.model.manifest.preprocessing.range;
      const grid = toPixelGrid(pixels, mean, scale);
      if (grid !== null) input = grid;
      else {
        if (!pixels.every((x) => x >= lo && x <= hi)) throw new InvalidTensorError(`FP32 values must lie in [${lo}, ${hi}] (NaN is refused)`);
        if (this.#openFloatBackend === null) throw new InvalidTensorError('this model takes FP32 only on the u8 grid ((u - mean) / scale); send UINT8 or an encoded image');
        backend = await this.#floatInput(this.#openFloatBackend);
      }
    }
    const { probabilities, queueMs, inferMs } = meanProbabilities([await backend.run(input)], this.#logits);
    return this.#prediction(probabilities, null, { decode: 0, queue: queueMs, infer: inferMs }, []);
  }

  #floatInput(open: () => Promise<InferenceBackend>): Promise<InferenceBackend> {
    this.#floatBackend ??= open();
    // A failed compilation is retried by the next off-grid tensor.
    this.#floatBackend.catch(() => (this.#floatBackend = null));
    return this.#floatBackend;
  }

  #prediction(probabilities: ArrayLike<number>, filename: string | null, t: { decode: number; queue: number; infer: number }, warnings: string[]): Prediction {
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
      timing_ms: { decode: round(t.decode), queue: round(t.queue), infer: round(t.infer) },
      warnings,
    };
  }

  /** Refuse new images, finish the ones started (decoding, queued, running), then free the backend. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= Promise.allSettled([...this.#pending]).then(async () => {
      const float = await this.#floatBackend?.catch(() => null);
      await Promise.all([this.#backend.close(), float?.close()]);
    });
    return this.#closing;
  }
}
