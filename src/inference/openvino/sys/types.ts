import koffi from 'koffi';

/**
 * Struct layouts of the OpenVINO C API (identical from 2022.3 to 2026.x). Handles such as
 * ov_core_t* are passed as `void *` (BigInt addresses in koffi 3): the safe wrappers in
 * ../ own them, so opaque C types would add no checking.
 */
export const ov_version_t = koffi.struct('ov_version_t', {
  buildNumber: 'const char *',
  description: 'const char *',
});

export const ov_available_devices_t = koffi.struct('ov_available_devices_t', {
  devices: 'void *', // char**, decoded by hand so ov_available_devices_free gets the original pointers
  size: 'size_t',
});

/** Passed by value to ov_tensor_create; dims is copied in by koffi for the call only (OpenVINO copies it). */
export const ov_shape_t = koffi.struct('ov_shape_t', {
  rank: 'int64_t',
  dims: 'int64_t *',
});

export const ov_dimension_t = koffi.struct('ov_dimension_t', {
  min: 'int64_t',
  max: 'int64_t',
});

export const ov_partial_shape_t = koffi.struct('ov_partial_shape_t', {
  rank: ov_dimension_t,
  dims: 'void *', // ov_dimension_t*, owned by OpenVINO until ov_partial_shape_free
});

export const ov_callback_func = koffi.proto('void ov_callback_func(void *args)');

/** The runtime keeps a pointer to this struct, so it must live in koffi.alloc memory. */
export const ov_callback_t = koffi.struct('ov_callback_t', {
  callback_func: koffi.pointer(ov_callback_func),
  args: 'void *',
});

/** Raw native address (koffi 3 represents pointers as BigInt; null for NULL). */
export type Pointer = bigint;
/** koffi `_Out_` parameter: a one-element array the call fills. */
export type Out<T> = [T];
