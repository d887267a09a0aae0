import koffi from 'koffi';
import { RequestBusyError, UnsupportedModelError } from '../errors.js';
import type { OpenVinoLibrary } from './library.js';
import { ov_callback_func, ov_callback_t, type Out, type Pointer } from './sys/types.js';
import { NativeObject } from './native-object.js';
import { assertFitsPort, type PortInfo } from './port.js';
import { Tensor } from './tensor.js';

/** Requests with an inference in flight stay reachable, so the GC safety net can never free one mid-run. */
const inFlight = new Set<InferRequest>();
/**
 * koffi's queued foreign-thread callbacks do not keep Node's event loop alive: without a ref'd
 * handle, a process awaiting only an inference would exit before the callback arrives.
 */
let keepAlive: NodeJS.Timeout | undefined;

function markInFlight(request: InferRequest): void {
  inFlight.add(request);
  keepAlive ??= setInterval(() => undefined, 2 ** 30);
}

function markDone(request: InferRequest): void {
  inFlight.delete(request);
  if (inFlight.size === 0 && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

interface CallbackResources {
  registered: bigint | null;
  struct: Pointer | null;
}

/**
 * One ov_infer_request_t with its own input tensor (allocated by OpenVINO, fed by copying).
 *
 * Why ov_infer_request_start_async + ov_infer_request_set_callback rather than koffi's `.async`
 * on ov_infer_request_infer: `.async` parks a libuv worker for the whole inference, and those 4
 * threads (UV_THREADPOOL_SIZE) are shared with sharp's decoding, fs and crypto; the callback path
 * uses OpenVINO's own threads and no libuv worker (measured: the foundation issue's closing note).
 */
export class InferRequest extends NativeObject {
  readonly input: Tensor;
  readonly inputPort: PortInfo;
  #pending: { resolve: () => void; reject: (error: Error) => void } | null = null;
  #disposeWhenIdle = false;

  constructor(
    private readonly library: OpenVinoLibrary,
    request: Pointer,
    inputs: readonly PortInfo[],
  ) {
    const resources: CallbackResources = { registered: null, struct: null };
    super('InferRequest', request, (handle) => {
      library.api.ov_infer_request_free(handle);
      if (resources.registered !== null) koffi.unregister(resources.registered);
      if (resources.struct !== null) koffi.free(resources.struct);
    });
    try {
      this.inputPort = singleStaticInput(inputs);
      this.input = Tensor.create(library, this.inputPort.elementType, this.inputPort.shape);
      library.check(
        library.api.ov_infer_request_set_input_tensor_by_index(request, 0, this.input.handle),
        'ov_infer_request_set_input_tensor_by_index',
      );
      // The registration must not hold `this` strongly, or the finalizer safety net could never run.
      const self = new WeakRef(this);
      resources.registered = koffi.register(() => self.deref()?.onNativeCallback(), koffi.pointer(ov_callback_func));
      resources.struct = koffi.alloc(ov_callback_t, 1) as Pointer;
      koffi.encode(resources.struct, ov_callback_t, { callback_func: resources.registered, args: null });
      library.check(library.api.ov_infer_request_set_callback(request, resources.struct), 'ov_infer_request_set_callback');
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get busy(): boolean {
    return this.#pending !== null;
  }

  /** Copies `data` into the input tensor; its type and byte length must match the input port. */
  setInput(data: Uint8Array | Float32Array): void {
    assertFitsPort(this.inputPort, data);
    this.input.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Runs the request on OpenVINO's threads; rejects with OpenVinoError if the inference fails. */
  infer(): Promise<void> {
    if (this.#pending) return Promise.reject(new RequestBusyError());
    const handle = this.handle;
    return new Promise<void>((resolve, reject) => {
      this.library.check(this.library.api.ov_infer_request_start_async(handle), 'ov_infer_request_start_async');
      this.#pending = { resolve, reject };
      markInFlight(this);
    });
  }

  /** A copy of output 0 as f32 (the pool asks OpenVINO to convert the output to f32). */
  readOutput(): Float32Array {
    const { api } = this.library;
    const tensor: Out<Pointer | null> = [null];
    this.library.check(
      api.ov_infer_request_get_output_tensor_by_index(this.handle, 0, tensor),
      'ov_infer_request_get_output_tensor_by_index',
    );
    const output = tensor[0] as Pointer;
    try {
      const type: Out<number> = [0];
      const size: Out<number> = [0];
      const data: Out<Pointer | null> = [null];
      this.library.check(api.ov_tensor_get_element_type(output, type), 'ov_tensor_get_element_type');
      const elementType = this.library.elementTypes.type(type[0]);
      if (elementType !== 'f32') throw new UnsupportedModelError(`output 0 is ${elementType}, expected f32`);
      this.library.check(api.ov_tensor_get_size(output, size), 'ov_tensor_get_size');
      const count = Number(size[0]);
      if (count === 0) return new Float32Array(0);
      this.library.check(api.ov_tensor_data(output, data), 'ov_tensor_data');
      return new Float32Array(koffi.view(data[0], count * 4)).slice();
    } finally {
      api.ov_tensor_free(output);
    }
  }

  /** Frees the request (and its input tensor); with an inference in flight, as soon as it completes. */
  override dispose(): void {
    if (this.#pending) {
      this.#disposeWhenIdle = true;
      return;
    }
    if (this.disposed) return;
    this.input?.dispose(); // undefined when the constructor failed before creating it
    super.dispose();
  }

  /**
   * Runs on the JS thread while OpenVINO's thread waits for it to return. OpenVINO sets the
   * request's result only after the callback returns, so waiting here would deadlock: the
   * status is collected on the next turn of the event loop.
   */
  private onNativeCallback(): void {
    setImmediate(() => this.#settle());
  }

  #settle(): void {
    const pending = this.#pending;
    if (!pending) return;
    // Returns immediately (at most the few instructions until OpenVINO marks the result ready).
    const status = this.library.api.ov_infer_request_wait(this.handle);
    this.#pending = null;
    markDone(this);
    try {
      this.library.check(status, 'ov_infer_request_wait');
      pending.resolve();
    } catch (error) {
      pending.reject(error as Error);
    }
    if (this.#disposeWhenIdle) this.dispose();
  }
}

function singleStaticInput(inputs: readonly PortInfo[]): PortInfo {
  const [port] = inputs;
  if (!port || inputs.length !== 1) {
    throw new UnsupportedModelError(`models with exactly one input are supported (this one has ${inputs.length})`);
  }
  if (port.shape.some((d) => d < 0)) {
    throw new UnsupportedModelError(`input ${port.name} has a dynamic shape [${port.shape.join(',')}]`);
  }
  return port;
}
