import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';

const root = path.resolve(import.meta.dirname, '../..');
const rules = (await readFile(path.join(root, 'docker/97-myriad-usbboot.rules'), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));

t.test('one rule per Movidius product id: NCS2 before boot, booted, first NCS', async (t) => {
  const products = rules.map((line) => /ATTRS\{idProduct\}=="([0-9a-f]{4})"/.exec(line)?.[1]);
  t.same(products.sort(), ['2150', '2485', 'f63b']);
});

t.test('every rule matches the Movidius vendor and gives group users rw access', async (t) => {
  for (const line of rules) {
    t.match(line, /^SUBSYSTEM=="usb", /, 'USB devices only');
    t.match(line, /ATTRS\{idVendor\}=="03e7"/, 'vendor 03e7');
    t.match(line, /GROUP="users"/, 'group users');
    t.match(line, /MODE="0660"/, 'mode 0660');
    t.match(line, /ENV\{ID_MM_DEVICE_IGNORE\}="1"/, 'ModemManager leaves it alone');
  }
});

t.test("the rule's group is the container user's primary group", async (t) => {
  const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8');
  // The Dockerfile writes the user as a line of /etc/passwd: name:x:uid:gid:...
  t.match(dockerfile, /'leukoserve:x:10001:100:[^']*' >>\/rootfs\/etc\/passwd/, 'the image user is in group users (GID 100 on Debian and the Pi)');
  t.match(dockerfile, /grep -q '\^users:\\\*:100:'/, 'and GID 100 is users in the image');
});
