import { buildDeviceReport, scanUsbSticks, type DeviceReport } from '../devices/index.js';
import type { Classifier } from './classifier.js';

/** GET /devices: the classifier's inference report beside the Movidius sticks found on USB under `sysfsRoot`. */
export async function deviceStatus(classifier: Classifier, sysfsRoot: string): Promise<DeviceReport> {
  return buildDeviceReport(classifier.inferenceReport(), await scanUsbSticks(sysfsRoot));
}
