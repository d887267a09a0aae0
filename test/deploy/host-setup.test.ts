import { execFile } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { root } from './dockerfile.js';

const run = promisify(execFile);
const USERS_GID = 100;

interface FakeStick {
  product: string;
  speed?: string;
  /** The /dev/bus/usb node's group and mode; absent: no node. */
  node?: { gid: number; mode: number };
}

/**
 * A fake /sys/bus/usb/devices, /dev/bus/usb and udev rules directory: no stick is plugged in here,
 * so the sticks are mocked as the files the script reads.
 */
async function fakeHost(t: Test, sticks: FakeStick[], { ruleInstalled = true } = {}) {
  const dir = t.testdir();
  const sysfs = path.join(dir, 'sys'), dev = path.join(dir, 'dev'), rules = path.join(dir, 'rules.d');
  await mkdir(rules, { recursive: true });
  await mkdir(path.join(sysfs, 'usb1'), { recursive: true }); // a hub: not a Movidius device
  await writeFile(path.join(sysfs, 'usb1/idVendor'), '1d6b\n');
  if (ruleInstalled) await copyFile(path.join(root, 'docker/97-myriad-usbboot.rules'), path.join(rules, '97-myriad-usbboot.rules'));
  for (const [i, stick] of sticks.entries()) {
    const device = path.join(sysfs, `1-1.${i + 1}`);
    await mkdir(device, { recursive: true });
    const files = { idVendor: '03e7', idProduct: stick.product, speed: stick.speed ?? '5000', busnum: '1', devnum: String(i + 2) };
    for (const [name, value] of Object.entries(files)) await writeFile(path.join(device, name), `${value}\n`);
    if (stick.node) {
      const node = path.join(dev, '001', String(i + 2).padStart(3, '0'));
      await mkdir(path.dirname(node), { recursive: true });
      await writeFile(node, '');
      await chmod(node, stick.node.mode); // not writeFile's mode: the umask would trim it
      await chown(node, 0, stick.node.gid);
    }
  }
  return { LEUKOSERVE_SYSFS_USB: sysfs, LEUKOSERVE_DEV_USB: dev, LEUKOSERVE_UDEV_RULES_DIR: rules };
}

async function check(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return run('bash', [path.join(root, 'docker/host-setup.sh'), '--check'], { env: { ...process.env, ...env, NO_COLOR: '1' } }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
  );
}

const fixLines = (out: string) => out.split('\n').filter((line) => /^\s+fix\s/.test(line));

// Group ownership of the fake node needs root (as in CI and on the Pi, where the script runs with sudo).
const asRoot = process.getuid?.() === 0;

t.test('mocked NCS2 before boot with the rule applied: reported ok', { skip: !asRoot && 'needs root to chown' }, async (t) => {
  const { code, out } = await check(await fakeHost(t, [{ product: '2485', node: { gid: USERS_GID, mode: 0o660 } }]));
  t.match(out, /ok .*1-1\.1 \(03e7:2485\): NCS2, waiting for its firmware/);
  t.match(out, /ok .*\/001\/002 is group users, mode 660/);
  t.match(out, /ok .*udev rule installed/);
  t.notMatch(out, /no Movidius stick/);
  // Whatever this machine lacks of Docker is all that is left to fix, and only that sets the exit status.
  t.same(fixLines(out).filter((l) => !/Docker|compose/.test(l)), [], 'nothing but Docker left to fix');
  t.equal(code, fixLines(out).length === 0 ? 0 : 1);
});

t.test('mocked booted stick whose node kept root 600, on USB 2: both reported', { skip: !asRoot && 'needs root to chown' }, async (t) => {
  const { code, out } = await check(await fakeHost(t, [{ product: 'f63b', speed: '480', node: { gid: 0, mode: 0o600 } }]));
  t.match(out, /ok .*\(03e7:f63b\): booted/);
  t.match(out, /fix .*\/001\/002 is 'root 600', not 'users 660': the udev rule did not apply/);
  t.match(out, /note .*USB 2\.0 speed/);
  t.equal(code, 1);
});

t.test('no stick and no rule: both to fix, exit 1', async (t) => {
  const { code, out } = await check(await fakeHost(t, [], { ruleInstalled: false }));
  t.match(out, /fix .*udev rule missing or outdated/);
  t.match(out, /fix .*no Movidius stick \(03e7:2485\/f63b\/2150\) on the USB bus/);
  t.equal(code, 1);
});

t.test('two mocked sticks: MULTI hint', async (t) => {
  const { out } = await check(await fakeHost(t, [{ product: '2485' }, { product: 'f63b' }]));
  t.match(out, /note .*2 sticks: each appears as its own MYRIAD/);
});

t.test('bad usage: exit 2', async (t) => {
  const result = await run('bash', [path.join(root, 'docker/host-setup.sh'), '--bogus']).catch((e: { code: number }) => e);
  t.equal((result as { code?: number }).code, 2);
});
