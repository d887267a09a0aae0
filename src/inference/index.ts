/** Public API of the inference layer: the OpenVINO binding's safe wrappers and the request pool. */
export {
  InferenceError,
  OpenVinoError,
  LibraryNotFoundError,
  NoDeviceError,
  QueueFullError,
  InferenceTimeoutError,
  PoolClosedError,
  DisposedError,
  InputSizeError,
  UnsupportedElementTypeError,
} from './errors.js';
export { Runtime, type RuntimeVersion, type DeviceInfo, type RuntimeOptions } from './openvino/runtime.js';
export { Model } from './openvino/model.js';
export { CompiledModel } from './openvino/compiled-model.js';
export { InferRequest } from './openvino/infer-request.js';
export { Tensor } from './openvino/tensor.js';
export type { PortInfo } from './openvino/port.js';
export type { ElementType } from './openvino/element-types.js';
export type { PrePostProcessing } from './openvino/pre-post-processing.js';
export type { LibrarySearchOptions } from './openvino/sys/library-locator.js';
export type { DeviceFallback, Logger } from './device-selection.js';
export {
  InferencePool,
  type InputConversion,
  type PoolOptions,
  type InferResult,
  type PoolStats,
} from './pool.js';
