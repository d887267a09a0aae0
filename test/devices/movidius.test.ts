import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { MOVIDIUS_PRODUCTS, MOVIDIUS_VENDOR_ID } from '../../src/devices/index.js';
import { ROOT } from '../support/fixtures.js';

t.test('the udev rule has one line per product id of the table, each for the Movidius vendor', async (t) => {
  const rules = (await readFile(path.join(ROOT, 'docker/97-myriad-usbboot.rules'), 'utf8')).split('\n').filter((l) => l.startsWith('SUBSYSTEM'));
  const ids = rules.map((line) => [/idVendor\}=="([0-9a-f]{4})"/.exec(line)?.[1], /idProduct\}=="([0-9a-f]{4})"/.exec(line)?.[1]]);
  t.same(ids.map(([, product]) => product).sort(), Object.keys(MOVIDIUS_PRODUCTS).sort());
  t.same(new Set(ids.map(([vendor]) => vendor)), new Set([MOVIDIUS_VENDOR_ID]));
});
