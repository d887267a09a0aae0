export { sniffFormat } from './sniff.js';
export { FORMATS, IMAGE_FORMATS, RAW_UPLOAD_MEDIA_TYPES, SUPPORTED_FORMATS_TEXT, type FormatSpec, type ImageFormat } from './formats.js';
export { ImageDecoder, type DecodeRunOptions, type ImageDecoderOptions } from './image-decoder.js';
export { preprocess, type PreprocessOptions, type PreprocessedImage } from './preprocess.js';
export { smallJpegDecoder } from './decode-small.js';
export { inceptionScale } from './inception-scale.js';
export { releaseBuffer } from './release-buffer.js';
export {
  IMAGING_ERROR_CODES,
  type ImagingErrorCode,
  ImageError,
  UnsupportedFormatError,
  CorruptImageError,
  ImageTooLargeError,
  DecodeTimeoutError,
  DecodeQueueFullError,
  ImagePipelineError,
} from './errors.js';
