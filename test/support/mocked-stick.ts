import {
  BackendNotReadyError,
  OpenVinoBackend,
  OpenVinoDevices,
  OpenVinoError,
  type BackendStats,
  type InferenceSettings,
  type Logger,
  type DeviceFallback,
  type DevicePool,
  type DeviceSource,
  type InferResult,
} from '../../src/inference/index.js';
import { loadManifest } from '../../src/model/manifest.js';
import { backendOptions, Classifier } from '../../src/service/index.js';
import { cpuSettings, IMAGING } from './cpu-classifier.js';
import { MODEL_DIR } from './fixtures.js';

const FIFO_ERROR = 'Failed to read output from FIFO: X_LINK_ERROR';

/**
 * An NCS2 that a test can plug in, pull out and make fail: no stick can be plugged in here, so it
 * is the one thing mocked. Its inferences are run by a real CPU pool (real answers, labelled
 * MYRIAD); every other device comes from the real runtime.
 */
export class MockedStick implements DeviceSource {
  /** Whether the runtime lists MYRIAD. */
  plugged = true;
  /** Whether the stick's inferences fail (as a stick pulled out mid-inference does). */
  failing = false;
  /** How many times a model was compiled on the stick. */
  opened = 0;
  readonly runtime: DeviceSource['runtime'];
  readonly #real: DeviceSource;

  constructor(real: DeviceSource) {
    this.#real = real;
    this.runtime = real.runtime;
  }

  availableDevices(): { name: string; fullName: string }[] {
    const stick = this.plugged ? [{ name: 'MYRIAD', fullName: 'Intel Movidius Myriad X VPU (mocked)' }] : [];
    return [...this.#real.availableDevices(), ...stick];
  }

  isAvailable(device: string): boolean {
    return device.startsWith('MYRIAD') ? this.plugged : this.#real.isAvailable(device);
  }

  async open(devices: readonly string[]): Promise<DevicePool> {
    const fallbacks: DeviceFallback[] = [];
    for (const [i, device] of devices.entries()) {
      if (!device.startsWith('MYRIAD')) return this.#real.open(devices.slice(i));
      if (this.plugged) {
        this.opened++;
        return new MockedStickPool(this, await this.#real.open(['CPU']), fallbacks);
      }
      fallbacks.push({ device, reason: 'not listed by OpenVINO (mocked stick unplugged)' });
    }
    throw new Error(`no device in ${devices.join(', ')}`);
  }

  dispose(): void {
    this.#real.dispose();
  }
}

class MockedStickPool implements DevicePool {
  readonly device = 'MYRIAD';
  readonly compiledAt = new Date();
  readonly precision = { requested: null, actual: 'f16', executionMode: null, served: 'f16', ir: 'model-fp16.xml', reason: null };
  readonly deviceLost: Promise<string>;
  readonly #stick: MockedStick;
  readonly #cpu: DevicePool;
  readonly #lose: (reason: string) => void;
  #failures = 0;
  #lost = false;

  constructor(
    stick: MockedStick,
    cpu: DevicePool,
    readonly fallbacks: readonly DeviceFallback[],
  ) {
    this.#stick = stick;
    this.#cpu = cpu;
    let lose!: (reason: string) => void;
    this.deviceLost = new Promise((resolve) => (lose = resolve));
    this.#lose = lose;
  }

  get numRequests() {
    return this.#cpu.numRequests;
  }
  get input() {
    return this.#cpu.input;
  }
  get output() {
    return this.#cpu.output;
  }
  get accepting() {
    return !this.#lost && this.#cpu.accepting;
  }

  async run(input: Uint8Array | Float32Array): Promise<InferResult> {
    if (this.#lost) throw new BackendNotReadyError('MYRIAD was lost');
    if (!this.#stick.failing) {
      this.#failures = 0;
      return this.#cpu.run(input);
    }
    // The pool's rule: three failures in a row and the device is taken as lost.
    if (++this.#failures >= 3) {
      this.#lost = true;
      this.#lose(`MYRIAD failed ${this.#failures} inferences in a row, last: ${FIFO_ERROR}`);
    }
    throw new OpenVinoError(-1, 'ov_infer_request_wait', FIFO_ERROR);
  }

  stats(): BackendStats {
    return this.#cpu.stats();
  }

  close(): Promise<void> {
    return this.#cpu.close();
  }
}

/** The default model served by the real backend over a MockedStick in front of the real CPU. */
export async function openStickClassifier(
  inference: Partial<InferenceSettings> = {},
  logger?: Logger,
): Promise<{ classifier: Classifier; stick: MockedStick }> {
  const settings = { modelDir: MODEL_DIR, imaging: IMAGING, inference: cpuSettings({ devices: ['MYRIAD', 'CPU'], ...inference }), logger };
  const model = await loadManifest(MODEL_DIR);
  const stick = new MockedStick(OpenVinoDevices.open(backendOptions(model, settings)));
  const backend = await OpenVinoBackend.open(stick, settings.inference, logger);
  return { classifier: new Classifier(model, backend, settings), stick };
}
