/** Public API of the devices layer: Movidius sticks on USB (sysfs) and the /devices report. */
export { MOVIDIUS_PRODUCTS, MOVIDIUS_VENDOR_ID, type MovidiusProductId } from './movidius.js';
export { scanUsbSticks, type UsbScan, type UsbStick } from './usb-sticks.js';
export { buildDeviceReport, DeviceReportSchema, type DeviceReport } from './device-report.js';
