import { readdir, readFile } from 'node:fs/promises';

/** Resident memory of a process, from /proc/<pid>/status. */
export interface MemorySample {
  /** VmRSS: resident now. */
  readonly rssBytes: number;
  /** VmHWM: the peak resident size since the process started. */
  readonly peakRssBytes: number;
}

function kibField(status: string, field: string, pid: number): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field} line (is it a Linux process that is still running?)`);
  return Number(match[1]) * 1024;
}

export async function readMemory(pid: number): Promise<MemorySample> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: kibField(status, 'VmRSS', pid), peakRssBytes: kibField(status, 'VmHWM', pid) };
}

export const MAIN_THREAD = 'main thread (JS event loop)';

// USER_HZ: the unit of utime/stime in /proc/<pid>/task/<tid>/stat; 100 on every Linux ABI Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) spent so far by each thread of a process, summed by thread name.
 * The main thread is named apart: threads a native library starts (OpenVINO's TBB workers) inherit
 * its name ("node"), so that name alone cannot tell JS from inference.
 */
export async function readThreadCpu(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between readdir and readFile
    }
    // "tid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const name = tid === String(pid) ? MAIN_THREAD : stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 once pid and comm are cut off.
    const ticks = Number(fields[11]) + Number(fields[12]);
    byName.set(name, (byName.get(name) ?? 0) + ticks / CLOCK_TICKS_PER_SECOND);
  }
  return byName;
}
