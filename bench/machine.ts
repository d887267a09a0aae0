import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

/** Where and with what a run was made: numbers from two machines or two versions are not comparable. */
export interface MachineInfo {
  readonly cpuModel: string;
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

export async function describeMachine(root: string, python: string): Promise<MachineInfo> {
  const [openvino, sha, status] = await Promise.all([
    run(python, ['-c', 'import openvino; print(openvino.get_version())']).then((r) => r.stdout.trim()),
    run('git', ['rev-parse', 'HEAD'], { cwd: root }).then((r) => r.stdout.trim()),
    run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root }).then((r) => r.stdout.trim()),
  ]);
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openvino,
    leukoserveSha: sha,
    dirty: status !== '',
  };
}
