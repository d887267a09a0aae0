import type { InferenceBackend } from './backend.js';
import { OpenVinoBackend } from './openvino-backend.js';
import { OpenVinoDevices, type OpenVinoDevicesOptions } from './openvino-devices.js';

/** The OpenVINO backend over the runtime this process finds (libopenvino_c through koffi). */
export function openBackend(options: OpenVinoDevicesOptions): Promise<InferenceBackend> {
  return OpenVinoBackend.open(OpenVinoDevices.open(options), options.settings, options.logger);
}
