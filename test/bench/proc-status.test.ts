import t from 'tap';
import { MAIN_THREAD, readMemory, readThreadCpu } from '../../bench/proc-status.js';

t.test('reads RSS and its peak of a live process', async (t) => {
  const sample = await readMemory(process.pid);
  t.ok(sample.rssBytes > 10 * 2 ** 20, `VmRSS ${sample.rssBytes} is a node process's size`);
  t.ok(sample.peakRssBytes >= sample.rssBytes, 'VmHWM is never below VmRSS');
});

t.test('a process that is gone is reported, not read as zero', async (t) => {
  await t.rejects(readMemory(2 ** 22 + 1), { code: 'ENOENT' });
});

t.test('CPU time per thread adds up to the CPU time the process used', async (t) => {
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const before = await readThreadCpu(process.pid);
  // Spin until the kernel has charged 0.3 s of CPU (not 0.3 s of wall time: the machine may be busy).
  const start = process.cpuUsage();
  let spin = 0;
  while (process.cpuUsage(start).user + process.cpuUsage(start).system < 300_000) spin += 1;
  const after = await readThreadCpu(process.pid);
  t.ok(spin > 0);
  const counted = total(after) - total(before);
  t.ok(counted >= 0.25 && counted < 1, `about 0.3 s of CPU was counted over the threads (${counted.toFixed(2)} s)`);
  const main = (after.get(MAIN_THREAD) ?? 0) - (before.get(MAIN_THREAD) ?? 0);
  t.ok(main >= 0.25, `the spin is charged to the main thread (${main.toFixed(2)} s)`);
});
