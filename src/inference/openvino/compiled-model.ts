import type { OpenVinoLibrary } from './library.js';
import type { Out, Pointer } from './sys/types.js';
import { NativeObject } from './native-object.js';
import { PORT_GETTERS, readPorts, type PortInfo } from './port.js';
import { InferRequest } from './infer-request.js';

/** A model compiled for one device (ov_compiled_model_t). */
export class CompiledModel extends NativeObject {
  constructor(
    private readonly library: OpenVinoLibrary,
    compiled: Pointer,
    readonly device: string,
  ) {
    super('CompiledModel', compiled, (handle) => library.api.ov_compiled_model_free(handle));
  }

  get inputs(): PortInfo[] {
    return readPorts(this.library, this.handle, PORT_GETTERS.compiledInputs);
  }

  get outputs(): PortInfo[] {
    return readPorts(this.library, this.handle, PORT_GETTERS.compiledOutputs);
  }

  property(key: string): string {
    const value: Out<Pointer | null> = [null];
    this.library.check(this.library.api.ov_compiled_model_get_property(this.handle, key, value), `ov_compiled_model_get_property(${key})`);
    return this.library.takeString(value[0]);
  }

  /** How many requests the device needs in flight to be busy (e.g. ~4 per NCS2, CPU streams). */
  get optimalNumberOfInferRequests(): number {
    return Number.parseInt(this.property('OPTIMAL_NUMBER_OF_INFER_REQUESTS'), 10);
  }

  createInferRequest(): InferRequest {
    const request: Out<Pointer | null> = [null];
    this.library.check(
      this.library.api.ov_compiled_model_create_infer_request(this.handle, request),
      'ov_compiled_model_create_infer_request',
    );
    return new InferRequest(this.library, request[0] as Pointer, this.inputs);
  }
}
