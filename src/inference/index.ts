/** Public API of the inference layer: the backend interface, its OpenVINO implementation, settings, errors. */
export * from './errors.js';
export type * from './backend.js';
export type { DevicePool, DeviceSource } from './device-pool.js';
export { openBackend } from './open-backend.js';
export { OpenVinoBackend } from './openvino-backend.js';
export { OpenVinoDevices, type InputConversion, type OpenVinoDevicesOptions } from './openvino-devices.js';
export { InferencePool, type PoolSettings } from './pool.js';
export { chooseCpuPrecision, type AgreementBounds, type CpuPrecisionChoice, type FasterPrecision, type ModelPrecisions, type PrecisionAgreement, type ServedPrecision } from './cpu-precision.js';
export * from './settings.js';
export { Runtime, type RuntimeVersion, type DeviceInfo, type RuntimeOptions } from './openvino/runtime.js';
export { Model } from './openvino/model.js';
export { CompiledModel } from './openvino/compiled-model.js';
export { InferRequest } from './openvino/infer-request.js';
export { Tensor } from './openvino/tensor.js';
export type { PortInfo } from './openvino/port.js';
export type { ElementType } from './openvino/element-types.js';
export type { PrePostProcessing } from './openvino/pre-post-processing.js';
export type { LibrarySearchOptions } from './openvino/sys/library-locator.js';
