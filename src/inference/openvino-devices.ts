import type { ExecutionPrecision, Logger } from './backend.js';
import { compileOffThread } from './compile-off-thread.js';
import type { DeviceSource } from './device-pool.js';
import { compileOnFirstDevice, isListed, supportedProperties, wantsFp16 } from './device-selection.js';
import type { CompiledModel } from './openvino/compiled-model.js';
import type { PrePostProcessing } from './openvino/pre-post-processing.js';
import { Runtime } from './openvino/runtime.js';
import { InferencePool } from './pool.js';
import type { InferenceSettings } from './settings.js';

/** Feed u8 NHWC RGB and let OpenVINO convert on the device: model_input = (u8 - mean) / scale. */
export interface InputConversion {
  mean: number;
  scale: number;
  /** The model's input layout; NCHW inserts a transpose. */
  modelLayout: 'NHWC' | 'NCHW';
}

export interface OpenVinoDevicesOptions {
  /** The IR of each precision: the stick gets FP16, every other device FP32. */
  irPath(precision: 'fp32' | 'fp16'): string;
  /** Without it the model takes its own input type and layout. */
  inputConversion?: InputConversion | undefined;
  settings: InferenceSettings;
  logger?: Logger | undefined;
}

/** Reads a compiled model's property, or null where the device does not report it. */
function propertyOrNull(compiled: CompiledModel, key: string): string | null {
  try {
    return compiled.property(key);
  } catch {
    return null;
  }
}

/** The OpenVINO runtime as a DeviceSource: lists devices, compiles on a worker thread, pools requests. */
export class OpenVinoDevices implements DeviceSource {
  readonly runtime: DeviceSource['runtime'];
  readonly #core: Runtime;
  readonly #options: OpenVinoDevicesOptions;
  readonly #prePostProcessing: PrePostProcessing;

  constructor(core: Runtime, options: OpenVinoDevicesOptions) {
    this.#core = core;
    this.#options = options;
    const { version } = core;
    this.runtime = { version: version.buildNumber, description: version.description, library: core.libraryPath };
    const conversion = options.inputConversion;
    this.#prePostProcessing = {
      input: conversion && {
        tensorElementType: 'u8',
        tensorLayout: 'NHWC',
        modelLayout: conversion.modelLayout,
        mean: conversion.mean,
        scale: conversion.scale,
      },
      // FP16 IRs and the stick may report f16 outputs: the pool always reads f32.
      outputElementType: 'f32',
    };
  }

  /** Locates and loads libopenvino_c (see Runtime.open) and creates its core. */
  static open(options: OpenVinoDevicesOptions): OpenVinoDevices {
    return new OpenVinoDevices(Runtime.open(), options);
  }

  availableDevices(): { name: string; fullName: string }[] {
    return this.#core.availableDevices();
  }

  isAvailable(device: string): boolean {
    return isListed(device, this.#core.availableDeviceNames());
  }

  async open(devices: readonly string[]): Promise<InferencePool> {
    const { settings, logger } = this.#options;
    const { compiled, fallbacks } = await compileOnFirstDevice(devices, this.#core.availableDeviceNames(), (device) => this.#compile(device), logger);
    return InferencePool.create(compiled, settings, { fallbacks, precision: this.#precision(compiled), logger });
  }

  dispose(): void {
    this.#core.dispose();
  }

  #compile(device: string): Promise<CompiledModel> {
    const { settings, logger, irPath } = this.#options;
    const wanted: Record<string, string> = { PERFORMANCE_HINT: settings.performanceHint };
    if (settings.numRequests !== undefined) wanted.PERFORMANCE_HINT_NUM_REQUESTS = String(settings.numRequests);
    if (settings.cacheDir !== undefined) wanted.CACHE_DIR = settings.cacheDir;
    if (device === 'CPU') wanted.INFERENCE_PRECISION_HINT = settings.cpuPrecision;
    return compileOffThread(this.#core, {
      modelPath: irPath(wantsFp16(device) ? 'fp16' : 'fp32'),
      device,
      properties: supportedProperties(this.#core, device, wanted, logger),
      prePostProcessing: this.#prePostProcessing,
    });
  }

  /** What was asked and what the compiled model says it computes in: a plugin may quietly differ. */
  #precision(compiled: CompiledModel): ExecutionPrecision {
    return {
      requested: compiled.device === 'CPU' ? this.#options.settings.cpuPrecision : null,
      actual: propertyOrNull(compiled, 'INFERENCE_PRECISION_HINT'),
      executionMode: propertyOrNull(compiled, 'EXECUTION_MODE_HINT'),
    };
  }
}
