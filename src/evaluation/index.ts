/** Judging a model on labelled images: the maths and the two reports. No HTTP, no inference. */
export { evaluationReport, type EvaluationReport, type ImageFailure, type ImageResult, type ModelProvenance } from './report.js';
export { reportHtml } from './report-html.js';
export { thumbnailDataUri, type RgbPixels } from './thumbnails.js';
export { IMAGE_EXTENSIONS, truthFromPath } from './truth.js';
