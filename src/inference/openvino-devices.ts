import { basename } from 'node:path';
import type { ExecutionPrecision, Logger } from './backend.js';
import { compileOffThread } from './compile-off-thread.js';
import { chooseCpuPrecision, type CpuPrecisionChoice, type ModelPrecisions } from './cpu-precision.js';
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
  /** The IR files and the measured agreement of each faster precision: the stick gets FP16, the CPU what CPU_PRECISION chooses, others FP32. */
  model: ModelPrecisions;
  /** Without it the model takes its own input type and layout. */
  inputConversion?: InputConversion | undefined;
  settings: InferenceSettings;
  logger?: Logger | undefined;
}

/** What one device compiles: an IR file and, on the CPU, a precision hint. */
interface DevicePlan {
  irPath: string;
  ir: 'fp32' | 'fp16' | 'int8';
  cpu: CpuPrecisionChoice | null;
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
  /** The CPU's IR and precision (CPU_PRECISION, auto resolved); null when CPU is not in the priority list. */
  readonly cpuPrecision: CpuPrecisionChoice | null;

  /** Refuses (InvalidSettingsError) CPU_PRECISION=int8 for a model without an INT8 IR. */
  constructor(core: Runtime, options: OpenVinoDevicesOptions) {
    this.#core = core;
    this.#options = options;
    const { settings, logger } = options;
    this.cpuPrecision = settings.devices.includes('CPU')
      ? chooseCpuPrecision(settings.cpuPrecision, this.#cpuCapabilities(), options.model, {
          maxScoreDelta: settings.autoMaxScoreDelta,
          minLabelAgreement: settings.autoMinLabelAgreement,
        })
      : null;
    if (this.cpuPrecision !== null) {
      const { precision, hint, irPath, reason } = this.cpuPrecision;
      logger?.info({ precision, hint, ir: irPath, reason }, `the CPU serves ${precision} (${basename(irPath)}, INFERENCE_PRECISION_HINT=${hint})`);
    }
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
    const core = Runtime.open();
    try {
      return new OpenVinoDevices(core, options);
    } catch (error) {
      core.dispose();
      throw error;
    }
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

  /** The CPU device's OPTIMIZATION_CAPABILITIES (e.g. FP32 INT8 BF16); none where it cannot be asked. */
  #cpuCapabilities(): string[] {
    try {
      return this.#core.deviceProperty('CPU', 'OPTIMIZATION_CAPABILITIES').split(/\s+/).filter((c) => c !== '');
    } catch {
      return [];
    }
  }

  #plan(device: string): DevicePlan {
    const { irs } = this.#options.model;
    if (wantsFp16(device)) return { irPath: irs.fp16, ir: 'fp16', cpu: null };
    const cpu = device === 'CPU' ? this.cpuPrecision : null;
    return cpu === null ? { irPath: irs.fp32, ir: 'fp32', cpu } : { irPath: cpu.irPath, ir: cpu.ir, cpu };
  }

  #compile(device: string): Promise<CompiledModel> {
    const { settings, logger } = this.#options;
    const plan = this.#plan(device);
    const wanted: Record<string, string> = { PERFORMANCE_HINT: settings.performanceHint };
    if (settings.numRequests !== undefined) wanted.PERFORMANCE_HINT_NUM_REQUESTS = String(settings.numRequests);
    if (settings.cacheDir !== undefined) wanted.CACHE_DIR = settings.cacheDir;
    if (plan.cpu !== null) wanted.INFERENCE_PRECISION_HINT = plan.cpu.hint;
    return compileOffThread(this.#core, {
      modelPath: plan.irPath,
      device,
      properties: supportedProperties(this.#core, device, wanted, logger),
      prePostProcessing: this.#prePostProcessing,
    });
  }

  /** What was asked, what the compiled model says it computes in (a plugin may quietly differ), and the IR. */
  #precision(compiled: CompiledModel): ExecutionPrecision {
    const { ir, irPath, cpu } = this.#plan(compiled.device);
    const actual = propertyOrNull(compiled, 'INFERENCE_PRECISION_HINT');
    const served = cpu?.precision === 'int8' ? 'int8' : ir === 'fp16' ? 'f16' : (actual ?? cpu?.hint ?? 'f32');
    return {
      requested: cpu?.hint ?? null,
      actual,
      executionMode: propertyOrNull(compiled, 'EXECUTION_MODE_HINT'),
      served,
      ir: basename(irPath),
      reason: cpu?.reason ?? null,
    };
  }
}
