import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MOVIDIUS_PRODUCTS, MOVIDIUS_VENDOR_ID } from './movidius.js';

const PRODUCTS: Readonly<Record<string, { model: UsbStick['model']; state: UsbStick['state'] }>> = MOVIDIUS_PRODUCTS;

export interface UsbStick {
  /** sysfs device name, e.g. "1-1.2" (bus 1, port path 1.2). */
  sysfsName: string;
  vendorId: string;
  productId: string;
  model: 'NCS2' | 'NCS' | 'unknown Movidius device';
  /** awaiting-firmware: on the bus, not (yet) opened by a runtime; booted: firmware loaded by a runtime. */
  state: 'awaiting-firmware' | 'booted' | 'unknown';
  busnum: number | null;
  devnum: number | null;
}

export interface UsbScan {
  /** The directory read: <sysfsRoot>/bus/usb/devices. */
  directory: string;
  /** False when that directory cannot be read (no sysfs, e.g. some containers): then `sticks` says nothing. */
  readable: boolean;
  sticks: UsbStick[];
}

async function readAttribute(dir: string, name: string): Promise<string | null> {
  try {
    return (await readFile(path.join(dir, name), 'utf8')).trim();
  } catch {
    return null; // interfaces and hubs lack some attributes
  }
}

function toNumber(value: string | null): number | null {
  return value === null || !/^\d+$/.test(value) ? null : Number(value);
}

/** Movidius sticks on the USB bus, read from sysfs (no libusb needed). `sysfsRoot` is injectable for tests. */
export async function scanUsbSticks(sysfsRoot = '/sys'): Promise<UsbScan> {
  const directory = path.join(sysfsRoot, 'bus', 'usb', 'devices');
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return { directory, readable: false, sticks: [] };
  }
  const sticks: UsbStick[] = [];
  for (const name of entries.sort()) {
    const dir = path.join(directory, name);
    if ((await readAttribute(dir, 'idVendor')) !== MOVIDIUS_VENDOR_ID) continue;
    const productId = (await readAttribute(dir, 'idProduct')) ?? '';
    const known = PRODUCTS[productId];
    sticks.push({
      sysfsName: name,
      vendorId: MOVIDIUS_VENDOR_ID,
      productId,
      model: known?.model ?? 'unknown Movidius device',
      state: known?.state ?? 'unknown',
      busnum: toNumber(await readAttribute(dir, 'busnum')),
      devnum: toNumber(await readAttribute(dir, 'devnum')),
    });
  }
  return { directory, readable: true, sticks };
}
