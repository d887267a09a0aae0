import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';

/** Where and with what a run was made: numbers from two machines or two versions are not comparable. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** Which of INFERENCE_CPU_FLAGS the CPU has: what decides bf16's and INT8's speed. */
  readonly cpuFlags: readonly string[];
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  readonly openvino: string;
  readonly leukoserveSha: string;
  /** Whether the work tree had uncommitted changes (the sha then does not tell the whole code). */
  readonly dirty: boolean;
}

const run = promisify(execFile);

/** The /proc/cpuinfo flags behind OpenVINO's f32, bf16 and INT8 kernels on x86. */
export const INFERENCE_CPU_FLAGS = ['avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'avx_vnni', 'amx_tile', 'amx_bf16', 'amx_int8'] as const;

async function cpuFlags(): Promise<string[]> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim().split(/\s+/));
  return INFERENCE_CPU_FLAGS.filter((f) => flags.has(f));
}

export async function describeMachine(root: string, python: string): Promise<MachineInfo> {
  const [openvino, sha, status, flags] = await Promise.all([
    run(python, ['-c', 'import openvino; print(openvino.get_version())']).then((r) => r.stdout.trim()),
    run('git', ['rev-parse', 'HEAD'], { cwd: root }).then((r) => r.stdout.trim()),
    run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root }).then((r) => r.stdout.trim()),
    cpuFlags(),
  ]);
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuFlags: flags,
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openvino,
    leukoserveSha: sha,
    dirty: status !== '',
  };
}
