import type { UsbScan, UsbStick } from '../inference/usb-sticks.js';
import type { RuntimeReport } from './classifier.js';

export interface ReportedStick extends UsbStick {
  /** Whether the runtime lists any MYRIAD device (sticks cannot be matched to runtime names one by one). */
  visibleToRuntime: boolean;
}

export interface DeviceReport {
  runtime: { version: string; description: string; libraryPath: string };
  available: { name: string; fullName: string }[];
  compiled: Omit<RuntimeReport['compiled'], 'fallbacks'> & { fallbacks: { device: string; reason: string }[] };
  failovers: RuntimeReport['failovers'][number][];
  usb: { directory: string; readable: boolean; sticks: ReportedStick[] };
  hints: string[];
}

/** The first year-like number of a build number such as "2024.4.0-16579-c3152d32c9c-releases/2024/4". */
function releaseYear(buildNumber: string): number | null {
  const match = /^(\d{4})\./.exec(buildNumber);
  return match ? Number(match[1]) : null;
}

/** Why sticks on the bus might not reach the runtime, most likely cause first. */
function invisibleStickHints(report: RuntimeReport): string[] {
  const hints: string[] = [];
  const year = releaseYear(report.version.buildNumber);
  if (year !== null && year >= 2023) {
    hints.push(
      `OpenVINO ${report.version.buildNumber} has no MYRIAD plugin (removed in 2023.0): drive the stick with the 2022.3 LTS runtime ` +
        '(OPENVINO_LIB_DIR pointing at its libopenvino_c).',
    );
  }
  hints.push(
    'On the host, install the udev rule 97-myriad-usbboot.rules (ATTRS{idVendor}=="03e7", ATTRS{idProduct}=="2485" and "f63b", MODE="0660") ' +
      'and run `udevadm control --reload-rules && udevadm trigger`, then re-plug the stick.',
    'In a container, mount the whole bus (-v /dev/bus/usb:/dev/bus/usb) and allow USB character devices ' +
      "(--device-cgroup-rule='c 189:* rmw', compose: device_cgroup_rules) because the stick re-enumerates after firmware boot.",
    'A stick cannot be shared: stop any other process holding it (NC_ERROR "Can not init Myriad device").',
  );
  return hints;
}

/** What /devices shows: the runtime's view, the compiled device, and the sticks on USB with fixes when they disagree. */
export function buildDeviceReport(report: RuntimeReport, usb: UsbScan): DeviceReport {
  const myriadListed = report.available.some((d) => d.name.startsWith('MYRIAD'));
  const sticks = usb.sticks.map((s) => ({ ...s, visibleToRuntime: myriadListed }));
  const hints: string[] = [];
  if (!usb.readable && !myriadListed) {
    hints.push(`${usb.directory} is not readable, so USB sticks cannot be listed (a container without /sys?).`);
  }
  if (sticks.length > 0 && !myriadListed) {
    hints.push(`${sticks.length} Movidius stick(s) on the USB bus but invisible to the runtime (no MYRIAD device listed).`);
    hints.push(...invisibleStickHints(report));
  }
  return {
    runtime: { version: report.version.buildNumber, description: report.version.description, libraryPath: report.libraryPath },
    available: report.available,
    compiled: { ...report.compiled, fallbacks: [...report.compiled.fallbacks] },
    failovers: report.failovers.map((f) => ({ ...f })),
    usb: { directory: usb.directory, readable: usb.readable, sticks },
    hints,
  };
}
