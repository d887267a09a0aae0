import type { DeviceFallback, Logger } from './backend.js';
import { NoDeviceError } from './errors.js';
import type { CompiledModel } from './openvino/compiled-model.js';
import type { Runtime } from './openvino/runtime.js';

export interface CompiledOnDevice {
  compiled: CompiledModel;
  fallbacks: DeviceFallback[];
}

/** Virtual devices (AUTO, MULTI:..., HETERO:...) are never listed by the runtime; compiling tells. */
const isVirtual = (device: string) => /^(AUTO|MULTI|HETERO|BATCH)\b/.test(device);

/** Whether a priority-list entry can be tried: 'MYRIAD' matches every listed stick ('MYRIAD.1.2-ma2480'). */
export function isListed(device: string, available: readonly string[]): boolean {
  return isVirtual(device) || available.some((name) => name === device || name.startsWith(`${device}.`));
}

/** Whether a device runs the FP16 IR: the NCS/NCS2 computes in FP16 only, also behind MULTI:. */
export function wantsFp16(device: string): boolean {
  return /^(MULTI:)?MYRIAD/.test(device);
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
export async function compileOnFirstDevice(
  devices: readonly string[],
  available: readonly string[],
  compile: (device: string) => Promise<CompiledModel>,
  logger?: Logger,
): Promise<CompiledOnDevice> {
  const fallbacks: DeviceFallback[] = [];
  for (const device of devices) {
    let reason: string;
    if (!isListed(device, available)) {
      reason = `not listed by OpenVINO (available: ${available.join(', ') || 'none'})`;
    } else {
      try {
        return { compiled: await compile(device), fallbacks };
      } catch (error) {
        reason = (error as Error).message;
      }
    }
    fallbacks.push({ device, reason });
    logger?.warn({ device, reason }, `inference device ${device} skipped`);
  }
  throw new NoDeviceError(fallbacks);
}
