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

/** Keys a device must list in SUPPORTED_PROPERTIES; others (CACHE_DIR) are the core's own. */
const DEVICE_KEYS = new Set(['PERFORMANCE_HINT', 'PERFORMANCE_HINT_NUM_REQUESTS', 'INFERENCE_PRECISION_HINT']);

/**
 * Drops device-level properties the device does not support, so a plugin that lacks one (e.g.
 * INFERENCE_PRECISION_HINT on an older or ARM CPU plugin) still compiles instead of failing.
 * When the device cannot be asked (virtual devices), everything is kept.
 */
export function supportedProperties(
  runtime: Runtime,
  device: string,
  wanted: Record<string, string>,
  logger?: Logger,
): Record<string, string> {
  let supported: Set<string>;
  try {
    supported = new Set(runtime.deviceProperty(device, 'SUPPORTED_PROPERTIES').split(/\s+/));
  } catch {
    return wanted;
  }
  const dropped = Object.keys(wanted).filter((key) => DEVICE_KEYS.has(key) && !supported.has(key));
  if (dropped.length > 0) logger?.info({ device, dropped }, `${device} does not support ${dropped.join(', ')}: compiled without`);
  return Object.fromEntries(Object.entries(wanted).filter(([key]) => !dropped.includes(key)));
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
