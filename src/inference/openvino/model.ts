import type { OpenVinoLibrary } from './library.js';
import type { Out, Pointer } from './sys/types.js';
import { NativeObject } from './native-object.js';
import { PORT_GETTERS, readPorts, type PortInfo } from './port.js';
import { CompiledModel } from './compiled-model.js';
import { buildWithPrePostProcessing, type PrePostProcessing } from './pre-post-processing.js';

/** A model read by the core (ov_model_t): inspect its ports, add pre/post-processing, compile it. */
export class Model extends NativeObject {
  private constructor(
    private readonly library: OpenVinoLibrary,
    private readonly core: Pointer,
    model: Pointer,
  ) {
    super('Model', model, (handle) => library.api.ov_model_free(handle));
  }

  /** @internal Runtime.readModel is the public entry point. */
  static read(library: OpenVinoLibrary, core: Pointer, modelPath: string, weightsPath?: string): Model {
    const model: Out<Pointer | null> = [null];
    library.check(library.api.ov_core_read_model(core, modelPath, weightsPath ?? null, model), `ov_core_read_model(${modelPath})`);
    return new Model(library, core, model[0] as Pointer);
  }

  get inputs(): PortInfo[] {
    return readPorts(this.library, this.handle, PORT_GETTERS.modelInputs);
  }

  get outputs(): PortInfo[] {
    return readPorts(this.library, this.handle, PORT_GETTERS.modelOutputs);
  }

  /**
   * Builds the conversions into this model's graph. In place: OpenVINO's PrePostProcessor edits
   * the ov::Model it was given and returns another handle to the same model, freed here.
   */
  applyPrePostProcessing(steps: PrePostProcessing): void {
    this.library.api.ov_model_free(buildWithPrePostProcessing(this.library, this.handle, steps));
  }

  /**
   * Compiles for one device. Synchronous on purpose: ov_core_compile_model is variadic and koffi
   * cannot run variadic calls on a worker thread; compiling happens once, at start-up.
   * `properties` are OpenVINO keys, e.g. { PERFORMANCE_HINT: 'THROUGHPUT', CACHE_DIR: '/var/cache/ov' }.
   */
  compile(device: string, properties: Record<string, string> = {}): CompiledModel {
    const pairs = Object.entries(properties).flatMap(([key, value]) => ['const char *', key, 'const char *', value]);
    const compiled: Out<Pointer | null> = [null];
    const status = this.library.api.ov_core_compile_model(
      this.core,
      this.handle,
      device,
      pairs.length / 2, // key and value each count as one argument
      compiled,
      ...pairs,
    );
    this.library.check(status, `ov_core_compile_model(${device})`);
    return new CompiledModel(this.library, compiled[0] as Pointer, device);
  }
}
