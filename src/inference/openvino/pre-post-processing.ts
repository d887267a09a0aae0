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
 * Runs the PrePostProcessor on `model` (which it edits) and returns the ov_model_t handle that
 * build() gives back. Every intermediate handle the C API
 * hands out is freed here, in reverse order of creation, even when a step fails.
 */
export function buildWithPrePostProcessing(library: OpenVinoLibrary, model: Pointer, steps: PrePostProcessing): Pointer {
  const { api, elementTypes } = library;
  const cleanups: (() => void)[] = [];
  const take = (call: string, invoke: (out: Out<Pointer | null>) => number, free: (h: Pointer) => void): Pointer => {
    const out: Out<Pointer | null> = [null];
    library.check(invoke(out), call);
    const handle = out[0] as Pointer;
    cleanups.push(() => free(handle));
    return handle;
  };
  const layout = (desc: string) => take(`ov_layout_create(${desc})`, (o) => api.ov_layout_create(desc, o), api.ov_layout_free);
  try {
    const ppp = take('ov_preprocess_prepostprocessor_create', (o) => api.ov_preprocess_prepostprocessor_create(model, o), api.ov_preprocess_prepostprocessor_free);
    const { input, outputElementType } = steps;
    if (input) {
      const info = take('get_input_info_by_index', (o) => api.ov_preprocess_prepostprocessor_get_input_info_by_index(ppp, 0, o), api.ov_preprocess_input_info_free);
      const tensorInfo = take('ov_preprocess_input_info_get_tensor_info', (o) => api.ov_preprocess_input_info_get_tensor_info(info, o), api.ov_preprocess_input_tensor_info_free);
      library.check(
        api.ov_preprocess_input_tensor_info_set_element_type(tensorInfo, elementTypes.code(input.tensorElementType)),
        'ov_preprocess_input_tensor_info_set_element_type',
      );
      if (input.tensorLayout) {
        library.check(api.ov_preprocess_input_tensor_info_set_layout(tensorInfo, layout(input.tensorLayout)), 'ov_preprocess_input_tensor_info_set_layout');
      }
      if (input.modelLayout) {
        const modelInfo = take('ov_preprocess_input_info_get_model_info', (o) => api.ov_preprocess_input_info_get_model_info(info, o), api.ov_preprocess_input_model_info_free);
        library.check(api.ov_preprocess_input_model_info_set_layout(modelInfo, layout(input.modelLayout)), 'ov_preprocess_input_model_info_set_layout');
      }
      const prep = take('ov_preprocess_input_info_get_preprocess_steps', (o) => api.ov_preprocess_input_info_get_preprocess_steps(info, o), api.ov_preprocess_preprocess_steps_free);
      library.check(api.ov_preprocess_preprocess_steps_convert_element_type(prep, elementTypes.code('f32')), 'ov_preprocess_preprocess_steps_convert_element_type');
      if (input.mean !== undefined) library.check(api.ov_preprocess_preprocess_steps_mean(prep, input.mean), 'ov_preprocess_preprocess_steps_mean');
      if (input.scale !== undefined) library.check(api.ov_preprocess_preprocess_steps_scale(prep, input.scale), 'ov_preprocess_preprocess_steps_scale');
    }
    if (outputElementType) {
      const info = take('get_output_info_by_index', (o) => api.ov_preprocess_prepostprocessor_get_output_info_by_index(ppp, 0, o), api.ov_preprocess_output_info_free);
      const tensorInfo = take('ov_preprocess_output_info_get_tensor_info', (o) => api.ov_preprocess_output_info_get_tensor_info(info, o), api.ov_preprocess_output_tensor_info_free);
      library.check(api.ov_preprocess_output_set_element_type(tensorInfo, elementTypes.code(outputElementType)), 'ov_preprocess_output_set_element_type');
    }
    const built: Out<Pointer | null> = [null];
    library.check(api.ov_preprocess_prepostprocessor_build(ppp, built), 'ov_preprocess_prepostprocessor_build');
    return built[0] as Pointer;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}
