import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { scanUsbSticks } from '../../src/devices/index.js';

/** A fake sysfs: /sys/bus/usb/devices/<name>/{idVendor,idProduct,busnum,devnum}. */
async function fakeSysfs(root: string, devices: Record<string, Record<string, string>>): Promise<void> {
  for (const [name, attributes] of Object.entries(devices)) {
    const dir = path.join(root, 'bus', 'usb', 'devices', name);
    await mkdir(dir, { recursive: true });
    for (const [attribute, value] of Object.entries(attributes)) await writeFile(path.join(dir, attribute), `${value}\n`);
  }
}

t.test('finds mocked Movidius sticks in a fake sysfs tree (no real stick here), with their boot state', async (t) => {
  const root = t.testdir();
  await fakeSysfs(root, {
    usb1: { idVendor: '1d6b', idProduct: '0002', busnum: '1', devnum: '1' }, // root hub
    '1-1.2': { idVendor: '03e7', idProduct: '2485', busnum: '1', devnum: '5' },
    '1-1.3': { idVendor: '03e7', idProduct: 'f63b', busnum: '1', devnum: '7' },
    '2-1': { idVendor: '03e7', idProduct: '2150' }, // first-generation NCS, attributes partly missing
    '2-2': { idVendor: '03e7', idProduct: 'abcd' },
    '1-1.2:1.0': { bInterfaceClass: 'ff' }, // an interface: no idVendor
  });
  const scan = await scanUsbSticks(root);
  t.equal(scan.readable, true);
  t.equal(scan.directory, path.join(root, 'bus/usb/devices'));
  t.same(scan.sticks, [
    { sysfsName: '1-1.2', vendorId: '03e7', productId: '2485', model: 'NCS2', state: 'awaiting-firmware', busnum: 1, devnum: 5 },
    { sysfsName: '1-1.3', vendorId: '03e7', productId: 'f63b', model: 'NCS2', state: 'booted', busnum: 1, devnum: 7 },
    { sysfsName: '2-1', vendorId: '03e7', productId: '2150', model: 'NCS', state: 'awaiting-firmware', busnum: null, devnum: null },
    { sysfsName: '2-2', vendorId: '03e7', productId: 'abcd', model: 'unknown Movidius device', state: 'unknown', busnum: null, devnum: null },
  ]);
});

t.test('a bus without sticks, and a missing sysfs (as in some containers)', async (t) => {
  const root = t.testdir();
  await fakeSysfs(root, { usb1: { idVendor: '1d6b', idProduct: '0003' } });
  t.same((await scanUsbSticks(root)).sticks, []);
  const missing = await scanUsbSticks(path.join(root, 'nowhere'));
  t.same(missing, { directory: path.join(root, 'nowhere/bus/usb/devices'), readable: false, sticks: [] });
});
