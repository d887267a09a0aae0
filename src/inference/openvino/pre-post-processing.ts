import type { OpenVinoLibrary } from './library.js';
import type { ElementType } from './element-types.js';
import type { Out, Pointer } from './sys/types.js';

/** What ov_preprocess_* adds to input 0 and output 0 of a model. */
export interface PrePostProcessing {
  input?: {
    /** Element type and layout of the tensor the caller will feed. */
    tensorElementType: ElementType;
    tensorLayout?: string;
    /** The model's own layout; when it differs from tensorLayout a transpose is inserted. */
    modelLayout?: string;
    /** model_input = (f32(tensor) - mean) / scale */
    mean?: number;
    scale?: number;
  };
  /** Element type of output 0 as the caller will read it (e.g. f32 from an FP16 model). */
  outputElementType?: ElementType;
}

/**
 * Handles the C API hands out while a PrePostProcessor is configured, freed together (in reverse
 * order of creation) whether the configuration succeeds or a step fails.
 */
class Handles {
  readonly #frees: (() => void)[] = [];
  constructor(private readonly library: OpenVinoLibrary) {}

  /** Runs a getter/creator with an out-pointer, checks its status and schedules `free`. */
  take(call: string, invoke: (out: Out<Pointer | null>) => number, free: (handle: Pointer) => void): Pointer {
    const out: Out<Pointer | null> = [null];
    this.library.check(invoke(out), call);
    const handle = out[0] as Pointer;
    this.#frees.push(() => free(handle));
    return handle;
  }

  layout(desc: string): Pointer {
    const { api } = this.library;
    return this.take(`ov_layout_create(${desc})`, (o) => api.ov_layout_create(desc, o), api.ov_layout_free);
  }

  freeAll(): void {
    for (const free of this.#frees.reverse()) free();
  }
}

function configureInput(library: OpenVinoLibrary, handles: Handles, ppp: Pointer, input: NonNullable<PrePostProcessing['input']>) {
  const { api, elementTypes } = library;
  const check = (status: number, call: string) => library.check(status, call);
  const info = handles.take(
    'ov_preprocess_prepostprocessor_get_input_info_by_index',
    (o) => api.ov_preprocess_prepostprocessor_get_input_info_by_index(ppp, 0, o),
    api.ov_preprocess_input_info_free,
  );
  const tensor = handles.take(
    'ov_preprocess_input_info_get_tensor_info',
    (o) => api.ov_preprocess_input_info_get_tensor_info(info, o),
    api.ov_preprocess_input_tensor_info_free,
  );
  check(
    api.ov_preprocess_input_tensor_info_set_element_type(tensor, elementTypes.code(input.tensorElementType)),
    'ov_preprocess_input_tensor_info_set_element_type',
  );
  if (input.tensorLayout) {
    check(
      api.ov_preprocess_input_tensor_info_set_layout(tensor, handles.layout(input.tensorLayout)),
      'ov_preprocess_input_tensor_info_set_layout',
    );
  }
  if (input.modelLayout) {
    const model = handles.take(
      'ov_preprocess_input_info_get_model_info',
      (o) => api.ov_preprocess_input_info_get_model_info(info, o),
      api.ov_preprocess_input_model_info_free,
    );
    check(
      api.ov_preprocess_input_model_info_set_layout(model, handles.layout(input.modelLayout)),
      'ov_preprocess_input_model_info_set_layout',
    );
  }
  const steps = handles.take(
    'ov_preprocess_input_info_get_preprocess_steps',
    (o) => api.ov_preprocess_input_info_get_preprocess_steps(info, o),
    api.ov_preprocess_preprocess_steps_free,
  );
  check(
    api.ov_preprocess_preprocess_steps_convert_element_type(steps, elementTypes.code('f32')),
    'ov_preprocess_preprocess_steps_convert_element_type',
  );
  if (input.mean !== undefined) {
    check(api.ov_preprocess_preprocess_steps_mean(steps, input.mean), 'ov_preprocess_preprocess_steps_mean');
  }
  if (input.scale !== undefined) {
    check(api.ov_preprocess_preprocess_steps_scale(steps, input.scale), 'ov_preprocess_preprocess_steps_scale');
  }
}

function configureOutput(library: OpenVinoLibrary, handles: Handles, ppp: Pointer, elementType: ElementType) {
  const { api } = library;
  const info = handles.take(
    'ov_preprocess_prepostprocessor_get_output_info_by_index',
    (o) => api.ov_preprocess_prepostprocessor_get_output_info_by_index(ppp, 0, o),
    api.ov_preprocess_output_info_free,
  );
  const tensor = handles.take(
    'ov_preprocess_output_info_get_tensor_info',
    (o) => api.ov_preprocess_output_info_get_tensor_info(info, o),
    api.ov_preprocess_output_tensor_info_free,
  );
  library.check(
    api.ov_preprocess_output_set_element_type(tensor, library.elementTypes.code(elementType)),
    'ov_preprocess_output_set_element_type',
  );
}

/**
 * Runs the PrePostProcessor on `model` (which it edits) and returns the ov_model_t handle that
 * build() gives back.
 */
export function buildWithPrePostProcessing(library: OpenVinoLibrary, model: Pointer, steps: PrePostProcessing): Pointer {
  const { api } = library;
  const handles = new Handles(library);
  try {
    const ppp = handles.take(
      'ov_preprocess_prepostprocessor_create',
      (o) => api.ov_preprocess_prepostprocessor_create(model, o),
      api.ov_preprocess_prepostprocessor_free,
    );
    if (steps.input) configureInput(library, handles, ppp, steps.input);
    if (steps.outputElementType) configureOutput(library, handles, ppp, steps.outputElementType);
    const built: Out<Pointer | null> = [null];
    library.check(api.ov_preprocess_prepostprocessor_build(ppp, built), 'ov_preprocess_prepostprocessor_build');
    return built[0] as Pointer;
  } finally {
    handles.freeAll();
  }
}
