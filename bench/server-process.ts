import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMemory, type MemorySample } from './proc-status.js';
import { ServerStartError } from './errors.js';

/** How to start one server under test. Its pid must be the serving process itself (RSS is read from it). */
export interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly readyTimeoutMs: number;
}

/** A free TCP port on the loopback interface (the OS picks it; released again before the server binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not find a free TCP port');
  return address.port;
}

const OUTPUT_TAIL_CHARS = 4000;
const READY_POLL_MS = 10;

/** A line the server logged before it was ready, timed from the spawn (pino's JSON lines only). */
export interface StartupMilestone {
  readonly atMs: number;
  readonly msg: string;
}

const MAX_STARTUP_LINES = 200;

/** A server started as a child process, ready (GET /health/ready answered 200). */
export class ServerProcess {
  private output = '';
  private readonly startupLines: string[] = [];
  private readonly spawnedAt = Date.now();

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    readonly pid: number,
    /** From spawn to the first 200 of /health/ready. */
    public readyMs = 0,
  ) {
    let partial = '';
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output = (this.output + text).slice(-OUTPUT_TAIL_CHARS);
      if (this.readyMs > 0 || this.startupLines.length >= MAX_STARTUP_LINES) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      this.startupLines.push(...lines);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /**
   * What the server logged on its way to ready, from pino's `time` (epoch ms) and `msg`: where start-up
   * time goes, without the bench knowing any message. Empty when the log level hides them.
   */
  get startupMilestones(): StartupMilestone[] {
    return this.startupLines.flatMap((line) => {
      try {
        const { time, msg } = JSON.parse(line) as { time?: unknown; msg?: unknown };
        return typeof time === 'number' && typeof msg === 'string' ? [{ atMs: time - this.spawnedAt, msg }] : [];
      } catch {
        return [];
      }
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  /** The last lines the server printed, to explain a failure. */
  get outputTail(): string {
    return this.output;
  }

  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const started = performance.now();
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
      await once(child, 'error').catch(() => undefined);
      throw new ServerStartError(`${spec.name}: could not start ${spec.command}`);
    }
    const server = new ServerProcess(spec, child, child.pid);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = started + spec.readyTimeoutMs;
    while (performance.now() < deadline) {
      if (exited) {
        throw new ServerStartError(`${spec.name} exited (code ${child.exitCode}) before it was ready:\n${server.outputTail}`);
      }
      try {
        const response = await fetch(`${server.url}/health/ready`);
        await response.arrayBuffer();
        if (response.status === 200) {
          server.readyMs = performance.now() - started;
          return server;
        }
      } catch {
        // not listening yet
      }
      await sleep(READY_POLL_MS);
    }
    await server.stop();
    throw new ServerStartError(`${spec.name} was not ready within ${spec.readyTimeoutMs} ms:\n${server.outputTail}`);
  }

  memory(): Promise<MemorySample> {
    return readMemory(this.pid);
  }

  /** SIGTERM (a graceful stop, which also lets node write a --cpu-prof profile), then SIGKILL after a grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
