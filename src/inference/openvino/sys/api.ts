import type { LibraryHandle } from 'koffi';
import type { Out, Pointer } from './types.js';
import './types.js'; // registers the struct names used in the prototypes below

type Status = number;
type Handle = Pointer;
/** Koffi decodes NULL out-pointers as null. */
type OutHandle = Out<Handle | null>;

/**
 * The subset of the OpenVINO C API this project calls, all present in OpenVINO 2022.3
 * (the last release with the MYRIAD plugin). Signatures mirror the headers in
 * openvino/include/openvino/c/; strings that OpenVINO allocates are taken as `void *`
 * so they can be decoded and then released with ov_free.
 */
export interface OpenVinoApi {
  ov_get_error_info(status: Status): string;
  ov_free(content: Pointer): void;
  ov_get_openvino_version(version: Pointer): Status;
  ov_version_free(version: Pointer): void;

  ov_core_create(core: OutHandle): Status;
  ov_core_free(core: Handle): void;
  ov_core_get_available_devices(core: Handle, devices: Pointer): Status;
  ov_available_devices_free(devices: Pointer): void;
  ov_core_get_property(core: Handle, device: string, key: string, value: OutHandle): Status;
  ov_core_read_model(core: Handle, modelPath: string, binPath: string | null, model: OutHandle): Status;
  /** Variadic: after `compiled`, pairs of ('const char *', value); propertyArgsSize counts both halves. */
  ov_core_compile_model(
    core: Handle,
    model: Handle,
    device: string,
    propertyArgsSize: number,
    compiled: OutHandle,
    ...properties: string[]
  ): Status;

  ov_model_free(model: Handle): void;
  ov_model_inputs_size(model: Handle, size: Out<number>): Status;
  ov_model_outputs_size(model: Handle, size: Out<number>): Status;
  ov_model_const_input_by_index(model: Handle, index: number, port: OutHandle): Status;
  ov_model_const_output_by_index(model: Handle, index: number, port: OutHandle): Status;

  ov_port_get_any_name(port: Handle, name: OutHandle): Status;
  ov_port_get_partial_shape(port: Handle, shape: Pointer): Status;
  ov_partial_shape_free(shape: Pointer): void;
  ov_port_get_element_type(port: Handle, type: Out<number>): Status;
  ov_output_const_port_free(port: Handle): void;

  ov_compiled_model_inputs_size(compiled: Handle, size: Out<number>): Status;
  ov_compiled_model_outputs_size(compiled: Handle, size: Out<number>): Status;
  ov_compiled_model_input_by_index(compiled: Handle, index: number, port: OutHandle): Status;
  ov_compiled_model_output_by_index(compiled: Handle, index: number, port: OutHandle): Status;
  ov_compiled_model_get_property(compiled: Handle, key: string, value: OutHandle): Status;
  ov_compiled_model_create_infer_request(compiled: Handle, request: OutHandle): Status;
  ov_compiled_model_free(compiled: Handle): void;

  ov_tensor_create(type: number, shape: { rank: number; dims: number[] }, tensor: OutHandle): Status;
  ov_tensor_data(tensor: Handle, data: OutHandle): Status;
  ov_tensor_get_byte_size(tensor: Handle, size: Out<number>): Status;
  ov_tensor_get_size(tensor: Handle, size: Out<number>): Status;
  ov_tensor_get_element_type(tensor: Handle, type: Out<number>): Status;
  ov_tensor_free(tensor: Handle): void;

  ov_infer_request_set_input_tensor_by_index(request: Handle, index: number, tensor: Handle): Status;
  ov_infer_request_get_output_tensor_by_index(request: Handle, index: number, tensor: OutHandle): Status;
  ov_infer_request_start_async(request: Handle): Status;
  ov_infer_request_wait(request: Handle): Status;
  ov_infer_request_set_callback(request: Handle, callback: Pointer): Status;
  ov_infer_request_free(request: Handle): void;

  ov_layout_create(desc: string, layout: OutHandle): Status;
  ov_layout_free(layout: Handle): void;
  ov_preprocess_prepostprocessor_create(model: Handle, ppp: OutHandle): Status;
  ov_preprocess_prepostprocessor_free(ppp: Handle): void;
  ov_preprocess_prepostprocessor_get_input_info_by_index(ppp: Handle, index: number, info: OutHandle): Status;
  ov_preprocess_input_info_free(info: Handle): void;
  ov_preprocess_input_info_get_tensor_info(info: Handle, tensorInfo: OutHandle): Status;
  ov_preprocess_input_tensor_info_free(tensorInfo: Handle): void;
  ov_preprocess_input_tensor_info_set_element_type(tensorInfo: Handle, type: number): Status;
  ov_preprocess_input_tensor_info_set_layout(tensorInfo: Handle, layout: Handle): Status;
  ov_preprocess_input_info_get_preprocess_steps(info: Handle, steps: OutHandle): Status;
  ov_preprocess_preprocess_steps_free(steps: Handle): void;
  ov_preprocess_preprocess_steps_convert_element_type(steps: Handle, type: number): Status;
  ov_preprocess_preprocess_steps_mean(steps: Handle, value: number): Status;
  ov_preprocess_preprocess_steps_scale(steps: Handle, value: number): Status;
  ov_preprocess_input_info_get_model_info(info: Handle, modelInfo: OutHandle): Status;
  ov_preprocess_input_model_info_set_layout(modelInfo: Handle, layout: Handle): Status;
  ov_preprocess_input_model_info_free(modelInfo: Handle): void;
  ov_preprocess_prepostprocessor_get_output_info_by_index(ppp: Handle, index: number, info: OutHandle): Status;
  ov_preprocess_output_info_free(info: Handle): void;
  ov_preprocess_output_info_get_tensor_info(info: Handle, tensorInfo: OutHandle): Status;
  ov_preprocess_output_tensor_info_free(tensorInfo: Handle): void;
  ov_preprocess_output_set_element_type(tensorInfo: Handle, type: number): Status;
  ov_preprocess_prepostprocessor_build(ppp: Handle, model: OutHandle): Status;
}

/** Functions newer than 2022.3: looked up at load time, undefined when the library lacks them. */
export interface OptionalOpenVinoApi {
  /** 2024.x+: the message of the last failure on this thread; free the result with ov_free. */
  ov_get_last_err_msg?: () => Pointer | null;
}

const PROTOTYPES: { [K in keyof OpenVinoApi]: string } = {
  ov_get_error_info: 'const char *ov_get_error_info(int status)',
  ov_free: 'void ov_free(void *content)',
  ov_get_openvino_version: 'int ov_get_openvino_version(ov_version_t *version)',
  ov_version_free: 'void ov_version_free(ov_version_t *version)',

  ov_core_create: 'int ov_core_create(_Out_ void **core)',
  ov_core_free: 'void ov_core_free(void *core)',
  ov_core_get_available_devices: 'int ov_core_get_available_devices(void *core, ov_available_devices_t *devices)',
  ov_available_devices_free: 'void ov_available_devices_free(ov_available_devices_t *devices)',
  ov_core_get_property:
    'int ov_core_get_property(void *core, const char *device, const char *key, _Out_ void **value)',
  ov_core_read_model: 'int ov_core_read_model(void *core, const char *xml, const char *bin, _Out_ void **model)',
  ov_core_compile_model:
    'int ov_core_compile_model(void *core, void *model, const char *device, size_t n, _Out_ void **compiled, ...)',

  ov_model_free: 'void ov_model_free(void *model)',
  ov_model_inputs_size: 'int ov_model_inputs_size(void *model, _Out_ size_t *size)',
  ov_model_outputs_size: 'int ov_model_outputs_size(void *model, _Out_ size_t *size)',
  ov_model_const_input_by_index: 'int ov_model_const_input_by_index(void *model, size_t index, _Out_ void **port)',
  ov_model_const_output_by_index: 'int ov_model_const_output_by_index(void *model, size_t index, _Out_ void **port)',

  ov_port_get_any_name: 'int ov_port_get_any_name(void *port, _Out_ void **name)',
  ov_port_get_partial_shape: 'int ov_port_get_partial_shape(void *port, ov_partial_shape_t *shape)',
  ov_partial_shape_free: 'void ov_partial_shape_free(ov_partial_shape_t *shape)',
  ov_port_get_element_type: 'int ov_port_get_element_type(void *port, _Out_ int *type)',
  ov_output_const_port_free: 'void ov_output_const_port_free(void *port)',

  ov_compiled_model_inputs_size: 'int ov_compiled_model_inputs_size(void *compiled, _Out_ size_t *size)',
  ov_compiled_model_outputs_size: 'int ov_compiled_model_outputs_size(void *compiled, _Out_ size_t *size)',
  ov_compiled_model_input_by_index:
    'int ov_compiled_model_input_by_index(void *compiled, size_t index, _Out_ void **port)',
  ov_compiled_model_output_by_index:
    'int ov_compiled_model_output_by_index(void *compiled, size_t index, _Out_ void **port)',
  ov_compiled_model_get_property:
    'int ov_compiled_model_get_property(void *compiled, const char *key, _Out_ void **value)',
  ov_compiled_model_create_infer_request:
    'int ov_compiled_model_create_infer_request(void *compiled, _Out_ void **request)',
  ov_compiled_model_free: 'void ov_compiled_model_free(void *compiled)',

  ov_tensor_create: 'int ov_tensor_create(int type, ov_shape_t shape, _Out_ void **tensor)',
  ov_tensor_data: 'int ov_tensor_data(void *tensor, _Out_ void **data)',
  ov_tensor_get_byte_size: 'int ov_tensor_get_byte_size(void *tensor, _Out_ size_t *size)',
  ov_tensor_get_size: 'int ov_tensor_get_size(void *tensor, _Out_ size_t *size)',
  ov_tensor_get_element_type: 'int ov_tensor_get_element_type(void *tensor, _Out_ int *type)',
  ov_tensor_free: 'void ov_tensor_free(void *tensor)',

  ov_infer_request_set_input_tensor_by_index:
    'int ov_infer_request_set_input_tensor_by_index(void *request, size_t index, void *tensor)',
  ov_infer_request_get_output_tensor_by_index:
    'int ov_infer_request_get_output_tensor_by_index(void *request, size_t index, _Out_ void **tensor)',
  ov_infer_request_start_async: 'int ov_infer_request_start_async(void *request)',
  ov_infer_request_wait: 'int ov_infer_request_wait(void *request)',
  ov_infer_request_set_callback: 'int ov_infer_request_set_callback(void *request, ov_callback_t *callback)',
  ov_infer_request_free: 'void ov_infer_request_free(void *request)',

  ov_layout_create: 'int ov_layout_create(const char *desc, _Out_ void **layout)',
  ov_layout_free: 'void ov_layout_free(void *layout)',
  ov_preprocess_prepostprocessor_create: 'int ov_preprocess_prepostprocessor_create(void *model, _Out_ void **ppp)',
  ov_preprocess_prepostprocessor_free: 'void ov_preprocess_prepostprocessor_free(void *ppp)',
  ov_preprocess_prepostprocessor_get_input_info_by_index:
    'int ov_preprocess_prepostprocessor_get_input_info_by_index(void *ppp, size_t index, _Out_ void **info)',
  ov_preprocess_input_info_free: 'void ov_preprocess_input_info_free(void *info)',
  ov_preprocess_input_info_get_tensor_info:
    'int ov_preprocess_input_info_get_tensor_info(void *info, _Out_ void **tensorInfo)',
  ov_preprocess_input_tensor_info_free: 'void ov_preprocess_input_tensor_info_free(void *tensorInfo)',
  ov_preprocess_input_tensor_info_set_element_type:
    'int ov_preprocess_input_tensor_info_set_element_type(void *tensorInfo, int type)',
  ov_preprocess_input_tensor_info_set_layout:
    'int ov_preprocess_input_tensor_info_set_layout(void *tensorInfo, void *layout)',
  ov_preprocess_input_info_get_preprocess_steps:
    'int ov_preprocess_input_info_get_preprocess_steps(void *info, _Out_ void **steps)',
  ov_preprocess_preprocess_steps_free: 'void ov_preprocess_preprocess_steps_free(void *steps)',
  ov_preprocess_preprocess_steps_convert_element_type:
    'int ov_preprocess_preprocess_steps_convert_element_type(void *steps, int type)',
  ov_preprocess_preprocess_steps_mean: 'int ov_preprocess_preprocess_steps_mean(void *steps, float value)',
  ov_preprocess_preprocess_steps_scale: 'int ov_preprocess_preprocess_steps_scale(void *steps, float value)',
  ov_preprocess_input_info_get_model_info:
    'int ov_preprocess_input_info_get_model_info(void *info, _Out_ void **modelInfo)',
  ov_preprocess_input_model_info_set_layout:
    'int ov_preprocess_input_model_info_set_layout(void *modelInfo, void *layout)',
  ov_preprocess_input_model_info_free: 'void ov_preprocess_input_model_info_free(void *modelInfo)',
  ov_preprocess_prepostprocessor_get_output_info_by_index:
    'int ov_preprocess_prepostprocessor_get_output_info_by_index(void *ppp, size_t index, _Out_ void **info)',
  ov_preprocess_output_info_free: 'void ov_preprocess_output_info_free(void *info)',
  ov_preprocess_output_info_get_tensor_info:
    'int ov_preprocess_output_info_get_tensor_info(void *info, _Out_ void **tensorInfo)',
  ov_preprocess_output_tensor_info_free: 'void ov_preprocess_output_tensor_info_free(void *tensorInfo)',
  ov_preprocess_output_set_element_type: 'int ov_preprocess_output_set_element_type(void *tensorInfo, int type)',
  ov_preprocess_prepostprocessor_build: 'int ov_preprocess_prepostprocessor_build(void *ppp, _Out_ void **model)',
};

const OPTIONAL_PROTOTYPES: { [K in keyof OptionalOpenVinoApi]-?: string } = {
  ov_get_last_err_msg: 'void *ov_get_last_err_msg()',
};

export type BoundApi = OpenVinoApi & OptionalOpenVinoApi;

/** Declares every function; a required one missing from the library throws (koffi names the symbol). */
export function bindApi(lib: LibraryHandle): BoundApi {
  const api: Record<string, unknown> = {};
  for (const [name, prototype] of Object.entries(PROTOTYPES)) api[name] = lib.func(prototype);
  for (const [name, prototype] of Object.entries(OPTIONAL_PROTOTYPES)) {
    try {
      api[name] = lib.func(prototype);
    } catch {
      // Absent in this OpenVINO release (e.g. ov_get_last_err_msg before 2024): callers fall back.
    }
  }
  return api as unknown as BoundApi;
}
