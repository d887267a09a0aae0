/** What the HTTP layer and the commands use: the Classifier, its documents and its error catalog. */
export { backendOptions, Classifier, type ClassifierSettings, type ExplainResult, type ImagingSettings } from './classifier.js';
export { ExplainResponseSchema, type ExplainResponse } from './explain/explain-response.js';
export { heatmapPng } from './explain/heatmap-png.js';
export { OCCLUSION_DEFAULTS, occlusionGrid, type OcclusionOptions } from './explain/occlusion.js';
export { TTA_MODES, type TtaMode } from './tta.js';
export {
  classifyResponse,
  ClassifyResponseSchema,
  ModelSummarySchema,
  PredictionSchema,
  type ClassifyResponse,
  type ModelSummary,
  type Prediction,
} from './classify-response.js';
export { deviceStatus } from './device-status.js';
export { ModelRepository, VersionStatusSchema, type ModelSource, type RepositorySettings, type VersionStatus } from './model-repository.js';
export { DeviceReportSchema, type DeviceReport } from '../devices/index.js';
export { SERVICE_ERROR_CODES, serviceErrorCode, type ServiceErrorCode } from './error-catalog.js';
export type { BackendStats, BackendReport, Readiness } from '../inference/index.js';
export { INFERENCE_DEFAULTS, PERFORMANCE_HINTS, CPU_PRECISIONS } from '../inference/index.js';
export { RAW_UPLOAD_MEDIA_TYPES, releaseBuffer, SUPPORTED_FORMATS_TEXT, smallJpegDecoder } from '../imaging/index.js';
