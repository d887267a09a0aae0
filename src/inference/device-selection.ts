import { NoDeviceError } from './errors.js';
import type { CompiledModel } from './openvino/compiled-model.js';
import type { Model } from './openvino/model.js';
import type { Runtime } from './openvino/runtime.js';

export interface DeviceFallback {
  device: string;
  reason: string;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DeviceSelection {
  /** The device names to try, in priority order, e.g. ['MYRIAD', 'CPU']. */
  devices: readonly string[];
  /** Reads (and prepares) the model for one device: FP16 IR for MYRIAD, FP32 for the CPU. */
  readModelFor(device: string): Model;
  /** Compile properties for one device (keys differ: MYRIAD rejects CPU-only ones). */
  propertiesFor(device: string): Record<string, string>;
  logger?: Logger;
}

export interface CompiledOnDevice {
  compiled: CompiledModel;
  fallbacks: DeviceFallback[];
}

/** Virtual devices (AUTO, MULTI:..., HETERO:...) are never listed by the runtime; compiling tells. */
const isVirtual = (device: string) => /^(AUTO|MULTI|HETERO|BATCH)\b/.test(device);

/** 'MYRIAD' matches every listed stick ('MYRIAD.1.2-ma2480'); a full name matches only itself. */
function isListed(device: string, available: readonly string[]): boolean {
  return available.some((name) => name === device || name.startsWith(`${device}.`));
}

/**
 * The first device of the priority list that the runtime lists AND that compiles the model.
 * Each device skipped is logged with its reason; none left -> NoDeviceError listing them all.
 */
export function compileOnFirstDevice(runtime: Runtime, selection: DeviceSelection): CompiledOnDevice {
  const available = runtime.availableDeviceNames();
  const fallbacks: DeviceFallback[] = [];
  for (const device of selection.devices) {
    let reason: string;
    if (!isVirtual(device) && !isListed(device, available)) {
      reason = `not listed by OpenVINO (available: ${available.join(', ') || 'none'})`;
    } else {
      try {
        const model = selection.readModelFor(device);
        try {
          return { compiled: model.compile(device, selection.propertiesFor(device)), fallbacks };
        } finally {
          model.dispose();
        }
      } catch (error) {
        reason = (error as Error).message;
      }
    }
    fallbacks.push({ device, reason });
    selection.logger?.warn({ device, reason }, `inference device ${device} skipped`);
  }
  throw new NoDeviceError(fallbacks);
}
