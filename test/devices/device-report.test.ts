import t from 'tap';
import { buildDeviceReport, type UsbScan } from '../../src/devices/index.js';
import type { BackendReport } from '../../src/inference/index.js';

const cpuOnly = (version: string): BackendReport => ({
  runtime: { version, description: 'OpenVINO Runtime', library: '/opt/libopenvino_c.so' },
  available: [{ name: 'CPU', fullName: 'Some CPU' }],
  compiled: {
    device: 'CPU',
    since: '2026-01-01T00:00:00.000Z',
    numRequests: 2,
    fallbacks: [{ device: 'MYRIAD', reason: 'not listed by the runtime' }],
    precision: { requested: 'f32', actual: 'f32', executionMode: 'PERFORMANCE', served: 'f32', ir: 'model-fp32.xml', reason: 'CPU_PRECISION=f32' },
  },
  switches: [],
});

const oneStick: UsbScan = {
  directory: '/sys/bus/usb/devices',
  readable: true,
  sticks: [{ sysfsName: '1-1', vendorId: '03e7', productId: '2485', model: 'NCS2', state: 'awaiting-firmware', busnum: 1, devnum: 4 }],
};

t.test('a mocked stick on the bus that a 2023+ runtime cannot see: hints name the plugin removal, udev rule and container flags', async (t) => {
  const report = buildDeviceReport(cpuOnly('2026.4.1-20000-abc'), oneStick);
  t.equal(report.usb.sticks[0]?.visibleToRuntime, false);
  t.match(report.hints[0], /1 Movidius stick\(s\) on the USB bus but invisible to the runtime/);
  t.match(report.hints[1], /2026\.4\.1.*no MYRIAD plugin \(removed in 2023\.0\)/);
  t.ok(report.hints.some((h) => h.includes('97-myriad-usbboot.rules')));
  t.ok(report.hints.some((h) => h.includes("c 189:* rmw") && h.includes('/dev/bus/usb')));
  t.same(report.compiled.fallbacks, [{ device: 'MYRIAD', reason: 'not listed by the runtime' }]);
  t.equal(report.runtime.version, '2026.4.1-20000-abc');
});

t.test('a 2022.3 runtime gets no plugin-removal hint, only the host and container fixes', async (t) => {
  const report = buildDeviceReport(cpuOnly('2022.3.1-9227-cf2c7da5689-releases/2022/3'), oneStick);
  t.notOk(report.hints.some((h) => h.includes('no MYRIAD plugin')));
  t.ok(report.hints.some((h) => h.includes('97-myriad-usbboot.rules')));
});

t.test('a mocked stick the runtime lists as MYRIAD: no hints', async (t) => {
  const runtime = cpuOnly('2022.3.1-9227');
  runtime.available.push({ name: 'MYRIAD', fullName: 'Intel Movidius Myriad X VPU' });
  const report = buildDeviceReport(runtime, oneStick);
  t.equal(report.usb.sticks[0]?.visibleToRuntime, true);
  t.same(report.hints, []);
});

t.test('no stick on the bus: no hints', async (t) => {
  t.same(buildDeviceReport(cpuOnly('2026.4.1'), { ...oneStick, sticks: [] }).hints, []);
});

t.test('an unreadable sysfs is said so when the runtime lists no MYRIAD', async (t) => {
  const report = buildDeviceReport(cpuOnly('2026.4.1'), { directory: '/sys/bus/usb/devices', readable: false, sticks: [] });
  t.same(report.hints, ['/sys/bus/usb/devices is not readable, so USB sticks cannot be listed (a container without /sys?).']);
});

t.test('switches are split into failovers and failbacks, in order, with the precision read back', async (t) => {
  const backend = cpuOnly('2026.4.1');
  backend.switches = [
    { kind: 'failover', device: 'MYRIAD', reason: 'X_LINK_ERROR', at: '2026-01-01T00:00:01.000Z', to: 'CPU' },
    { kind: 'failback', device: 'CPU', reason: 'MYRIAD is available again', at: '2026-01-01T00:00:02.000Z', to: 'MYRIAD' },
  ];
  const report = buildDeviceReport(backend, oneStick);
  t.same(report.failovers, [{ device: 'MYRIAD', reason: 'X_LINK_ERROR', at: '2026-01-01T00:00:01.000Z', to: 'CPU' }]);
  t.same(report.failbacks, [{ device: 'CPU', reason: 'MYRIAD is available again', at: '2026-01-01T00:00:02.000Z', to: 'MYRIAD' }]);
  t.same(report.compiled.precision, { requested: 'f32', actual: 'f32', executionMode: 'PERFORMANCE', served: 'f32', ir: 'model-fp32.xml', reason: 'CPU_PRECISION=f32' });
});
