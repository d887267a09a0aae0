export { sniffFormat, type ImageFormat } from './sniff.js';
export { preprocess, type PreprocessOptions, type PreprocessedImage } from './preprocess.js';
export { inceptionScale, normalize } from './normalize.js';
export { IMAGING_ERROR_CODES, type ImagingErrorCode, ImageError, UnsupportedFormatError, CorruptImageError, ImageTooLargeError } from './errors.js';
