import type { BackendReport, BackendStats, DeviceSwitch, ExecutionPrecision, InferenceBackend, InferResult, Logger, Readiness } from './backend.js';
import type { DevicePool, DeviceSource } from './device-pool.js';
import { BackendNotReadyError, InvalidSettingsError } from './errors.js';
import type { PortInfo } from './openvino/port.js';
import { settingsProblems, type InferenceSettings } from './settings.js';

/**
 * The model served from the best device of the priority list that works, kept there over time:
 * a lost device (failed inferences in a row) moves the model to the next one (failover); a device
 * above the serving one that appears again (a stick plugged back in) takes the model back
 * (failback). Each move compiles on a worker thread while the current device, if any, keeps
 * serving; requests in flight finish where they started.
 */
export class OpenVinoBackend implements InferenceBackend {
  readonly #source: DeviceSource;
  readonly #settings: InferenceSettings;
  readonly #logger: Logger | undefined;
  readonly #switches: DeviceSwitch[] = [];
  readonly #failbackTimer: NodeJS.Timeout | null;
  /** Serving now; null once every device was lost. */
  #pool: DevicePool | null;
  /** The last pool that served: ports, device name and stats when none serves. */
  #last: DevicePool;
  #switching: Promise<void> | null = null;
  #closing: Promise<void> | null = null;

  private constructor(source: DeviceSource, pool: DevicePool, settings: InferenceSettings, logger: Logger | undefined) {
    this.#source = source;
    this.#settings = settings;
    this.#logger = logger;
    this.#pool = pool;
    this.#last = pool;
    this.#watch(pool);
    this.#failbackTimer = settings.failbackIntervalMs > 0 ? setInterval(() => this.#tryFailback(), settings.failbackIntervalMs).unref() : null;
  }

  /** Compiles on the first device of the priority list that works; owns `source` from then on. */
  static async open(source: DeviceSource, settings: InferenceSettings, logger?: Logger): Promise<OpenVinoBackend> {
    try {
      const problems = settingsProblems(settings);
      if (problems.length > 0) throw new InvalidSettingsError(problems);
      return new OpenVinoBackend(source, await source.open(settings.devices), settings, logger);
    } catch (error) {
      source.dispose();
      throw error;
    }
  }

  get input(): PortInfo {
    return this.#last.input;
  }

  get output(): PortInfo {
    return this.#last.output;
  }

  get device(): string {
    return this.#last.device;
  }

  get precision(): ExecutionPrecision {
    return this.#last.precision;
  }

  readiness(): Readiness {
    if (this.#closing !== null) return { ready: false, reason: 'the service is shutting down' };
    if (this.#pool?.accepting) return { ready: true };
    const lost = this.#switches.findLast((s) => s.kind === 'failover');
    if (lost === undefined) return { ready: false, reason: `inference on ${this.device} is not accepting work` };
    return {
      ready: false,
      reason:
        lost.to === null && this.#switching !== null
          ? `${lost.device} was lost (${lost.reason}); recompiling on the next device`
          : `${lost.device} was lost (${lost.reason}) and no other device could take the model`,
    };
  }

  run(input: Uint8Array | Float32Array): Promise<InferResult> {
    const readiness = this.readiness();
    if (!readiness.ready || this.#pool === null) return Promise.reject(new BackendNotReadyError(readiness.ready ? 'no device' : readiness.reason));
    return this.#pool.run(input);
  }

  stats(): BackendStats {
    return this.#last.stats();
  }

  report(): BackendReport {
    const last = this.#last;
    return {
      runtime: this.#source.runtime,
      available: this.#source.availableDevices(),
      compiled: {
        device: last.device,
        since: last.compiledAt.toISOString(),
        numRequests: last.numRequests,
        fallbacks: last.fallbacks,
        precision: last.precision,
      },
      switches: this.#switches,
    };
  }

  warnings(): string[] {
    const { requested, actual } = this.#last.precision;
    if (requested === null || actual === null || requested === actual) return [];
    return [`${this.device} computes in ${actual}, not the ${requested} asked for: scores may differ from the f32 reference`];
  }

  close(): Promise<void> {
    this.#closing ??= this.#drain();
    return this.#closing;
  }

  async #drain(): Promise<void> {
    if (this.#failbackTimer !== null) clearInterval(this.#failbackTimer);
    try {
      await this.#switching;
      await this.#pool?.close();
    } finally {
      this.#source.dispose();
    }
  }

  #serve(pool: DevicePool): void {
    this.#pool = pool;
    this.#last = pool;
    this.#watch(pool);
  }

  #watch(pool: DevicePool): void {
    void pool.deviceLost.then((reason) => {
      if (this.#closing === null && this.#pool === pool) this.#failover(pool, reason);
    });
  }

  /** Recompiles on the devices after the lost one; the lost pool drains first (its requests fail or finish). */
  #failover(lost: DevicePool, reason: string): void {
    const { devices } = this.#settings;
    const remaining = devices.slice(devices.indexOf(lost.device) + 1);
    const record: DeviceSwitch = { kind: 'failover', device: lost.device, reason, at: new Date().toISOString(), to: null };
    this.#switches.push(record);
    this.#pool = null;
    this.#logger?.warn({ device: lost.device, reason, remaining }, `inference device ${lost.device} lost; failing over to ${remaining.join(', ') || 'nothing'}`);
    this.#switch(async () => {
      await lost.close();
      if (remaining.length === 0 || this.#closing !== null) return;
      try {
        const next = await this.#source.open(remaining);
        if (!(await this.#adopt(next))) return;
        record.to = next.device;
        this.#logger?.info({ device: next.device }, `model recompiled on ${next.device} after losing ${lost.device}`);
      } catch (error) {
        this.#logger?.error({ err: error }, `no device left after losing ${lost.device}`);
      }
    });
  }

  /** Moves the model to a device above the serving one once the runtime lists it again. */
  #tryFailback(): void {
    if (this.#closing !== null || this.#switching !== null) return;
    const { devices } = this.#settings;
    const current = this.#pool;
    const better = devices.slice(0, current === null ? devices.length : devices.indexOf(current.device)).filter((d) => this.#source.isAvailable(d));
    if (better.length === 0) return;
    this.#switch(async () => {
      let next: DevicePool;
      try {
        next = await this.#source.open(better);
      } catch (error) {
        this.#logger?.info({ devices: better, reason: (error as Error).message }, `${better.join(', ')} listed again but the model does not compile there yet`);
        return;
      }
      if (!(await this.#adopt(next))) return;
      const from = current?.device ?? this.#switches.at(-1)?.device ?? next.device;
      this.#switches.push({ kind: 'failback', device: from, reason: `${next.device} is available again`, at: new Date().toISOString(), to: next.device });
      this.#logger?.info({ from, to: next.device }, `model moved back to ${next.device}`);
      await current?.close(); // its in-flight requests finish there
    });
  }

  /** Serves `next` unless the backend began closing meanwhile (then frees it); says which. */
  async #adopt(next: DevicePool): Promise<boolean> {
    if (this.#closing !== null) {
      await next.close();
      return false;
    }
    this.#serve(next);
    return true;
  }

  #switch(work: () => Promise<void>): void {
    this.#switching = work().finally(() => (this.#switching = null));
  }
}
