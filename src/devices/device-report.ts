import path from 'node:path';
import { Type, type Static } from 'typebox';
import type { BackendReport } from '../inference/index.js';
import { MOVIDIUS_PRODUCTS, MOVIDIUS_VENDOR_ID } from './movidius.js';
import type { UsbScan } from './usb-sticks.js';

const SwitchSchema = Type.Object({
  device: Type.String({ description: 'the device the model left' }),
  reason: Type.String(),
  at: Type.String({ format: 'date-time' }),
  to: Type.Union([Type.String(), Type.Null()], { description: 'the device the model went to; null while compiling or when none could take it' }),
});

/** GET /devices: the runtime's view, the compiled device, and the sticks on USB with fixes when they disagree. */
export const DeviceReportSchema = Type.Object({
  runtime: Type.Object({
    version: Type.String(),
    description: Type.String(),
    library: Type.String({ description: "the OpenVINO C library's file name (its path is in the start-up log, never served)" }),
  }),
  available: Type.Array(Type.Object({ name: Type.String(), fullName: Type.String() }), { description: 'every device the runtime lists' }),
  compiled: Type.Object({
    device: Type.String(),
    since: Type.String({ format: 'date-time' }),
    numRequests: Type.Integer(),
    fallbacks: Type.Array(Type.Object({ device: Type.String(), reason: Type.String() }), {
      description: 'devices tried before, with the reason each was skipped',
    }),
    precision: Type.Object(
      {
        requested: Type.Union([Type.String(), Type.Null()], { description: 'the INFERENCE_PRECISION_HINT set on the CPU (from CPU_PRECISION); null where nothing is asked' }),
        actual: Type.Union([Type.String(), Type.Null()], { description: "the compiled model's INFERENCE_PRECISION_HINT" }),
        executionMode: Type.Union([Type.String(), Type.Null()], { description: "the compiled model's EXECUTION_MODE_HINT" }),
        served: Type.String({ description: 'what serves: f32, bf16, int8 (the INT8 IR) or f16 (the FP16 IR)' }),
        ir: Type.String({ description: 'the IR file compiled' }),
        reason: Type.Union([Type.String(), Type.Null()], { description: 'why the CPU got this precision (CPU_PRECISION, or what auto weighed)' }),
      },
      { description: 'what the device computes in, read back from the compiled model' },
    ),
  }),
  failovers: Type.Array(SwitchSchema, { description: 'devices lost while serving (e.g. a stick pulled out) and where the model went' }),
  failbacks: Type.Array(SwitchSchema, { description: 'moves back to a device higher in the priority list once it was listed again' }),
  usb: Type.Object({
    directory: Type.String(),
    readable: Type.Boolean(),
    sticks: Type.Array(
      Type.Object({
        sysfsName: Type.String(),
        vendorId: Type.String(),
        productId: Type.String(),
        model: Type.String(),
        state: Type.String({ description: 'awaiting-firmware | booted | unknown' }),
        busnum: Type.Union([Type.Integer(), Type.Null()]),
        devnum: Type.Union([Type.Integer(), Type.Null()]),
        visibleToRuntime: Type.Boolean({ description: 'whether the runtime lists any MYRIAD device (sticks cannot be matched one by one)' }),
      }),
    ),
  }),
  hints: Type.Array(Type.String(), { description: 'how to fix a stick the runtime cannot see' }),
});

export type DeviceReport = Static<typeof DeviceReportSchema>;

/** The first year-like number of a build number such as "2024.4.0-16579-c3152d32c9c-releases/2024/4". */
function releaseYear(buildNumber: string): number | null {
  const match = /^(\d{4})\./.exec(buildNumber);
  return match ? Number(match[1]) : null;
}

/** Why sticks on the bus might not reach the runtime, most likely cause first. */
function invisibleStickHints(runtimeVersion: string): string[] {
  const hints: string[] = [];
  const year = releaseYear(runtimeVersion);
  if (year !== null && year >= 2023) {
    hints.push(
      `OpenVINO ${runtimeVersion} has no MYRIAD plugin (removed in 2023.0): drive the stick with the 2022.3 LTS runtime ` +
        '(OPENVINO_LIB_DIR pointing at its libopenvino_c).',
    );
  }
  const products = Object.keys(MOVIDIUS_PRODUCTS).map((id) => `"${id}"`);
  hints.push(
    `On the host, install the udev rule 97-myriad-usbboot.rules (ATTRS{idVendor}=="${MOVIDIUS_VENDOR_ID}", ATTRS{idProduct}==${products.join(', ')}, MODE="0660") ` +
      'and run `udevadm control --reload-rules && udevadm trigger`, then re-plug the stick.',
    'In a container, mount the whole bus (-v /dev/bus/usb:/dev/bus/usb) and allow USB character devices ' +
      "(--device-cgroup-rule='c 189:* rmw', compose: device_cgroup_rules) because the stick re-enumerates after firmware boot.",
    'A stick cannot be shared: stop any other process holding it (NC_ERROR "Can not init Myriad device").',
  );
  return hints;
}

export function buildDeviceReport(backend: BackendReport, usb: UsbScan): DeviceReport {
  const myriadListed = backend.available.some((d) => d.name.startsWith('MYRIAD'));
  const sticks = usb.sticks.map((s) => ({ ...s, visibleToRuntime: myriadListed }));
  const hints: string[] = [];
  if (!usb.readable && !myriadListed) {
    hints.push(`${usb.directory} is not readable, so USB sticks cannot be listed (a container without /sys?).`);
  }
  if (sticks.length > 0 && !myriadListed) {
    hints.push(`${sticks.length} Movidius stick(s) on the USB bus but invisible to the runtime (no MYRIAD device listed).`);
    hints.push(...invisibleStickHints(backend.runtime.version));
  }
  const switches = (kind: 'failover' | 'failback') =>
    backend.switches.filter((s) => s.kind === kind).map(({ device, reason, at, to }) => ({ device, reason, at, to }));
  return {
    runtime: { version: backend.runtime.version, description: backend.runtime.description, library: path.basename(backend.runtime.library) },
    available: backend.available,
    compiled: { ...backend.compiled, fallbacks: [...backend.compiled.fallbacks], precision: { ...backend.compiled.precision } },
    failovers: switches('failover'),
    failbacks: switches('failback'),
    usb: { directory: usb.directory, readable: usb.readable, sticks },
    hints,
  };
}
