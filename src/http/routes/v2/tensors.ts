import type { Classifier } from '../../../service/index.js';
import { InvalidInferRequestError } from '../../errors.js';
import type { InferInput } from './schemas.js';

/** The input taking encoded images (JPEG, PNG, BMP, TIFF, WebP), decoded with the service's own preprocessing. */
export const IMAGE_INPUT = 'image';

/** What one request asks the model to classify. */
export type ModelInput = { kind: 'tensor'; images: (Float32Array | Uint8Array)[] } | { kind: 'images'; images: Uint8Array[] };

const TENSOR_DATATYPES = { FP32: 4, UINT8: 1 } as const;

/** The model's tensor input shape, batch first as -1: [-1, H, W, 3]. */
export function tensorShape(classifier: Classifier): number[] {
  return [-1, ...classifier.model.manifest.input.shape.slice(1)];
}

function flatNumbers(input: InferInput): number[] {
  const values = (input.data ?? []).flat(Infinity as 1);
  if (!values.every((v) => typeof v === 'number')) throw new InvalidInferRequestError(`input "${input.name}": data must hold numbers only`);
  return values as number[];
}

/**
 * BYTES elements as tritonclient frames them in binary: each a 4-byte little-endian length, then the
 * bytes. A batch of one may also be the bare image (as some OVMS samples send it).
 */
function splitBytes(name: string, raw: Buffer, count: number): Uint8Array[] {
  const elements: Uint8Array[] = [];
  let offset = 0;
  while (offset + 4 <= raw.length && elements.length < count) {
    const length = raw.readUInt32LE(offset);
    if (offset + 4 + length > raw.length) break;
    elements.push(raw.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (elements.length === count && offset === raw.length) return elements;
  if (count === 1) return [raw];
  throw new InvalidInferRequestError(`input "${name}": ${count} BYTES elements expected, each a 4-byte little-endian length and its bytes`);
}

/** BYTES elements in JSON: base64 strings, or {"b64": "..."} objects as TensorFlow Serving writes them. */
function jsonBytes(input: InferInput): Uint8Array[] {
  return (input.data ?? []).flat(Infinity as 1).map((value, i) => {
    const text = typeof value === 'string' ? value : (value as { b64?: unknown } | null)?.b64;
    if (typeof text !== 'string') throw new InvalidInferRequestError(`input "${input.name}" element ${i}: expected a base64 string or {"b64": "..."}`);
    return Buffer.from(text, 'base64');
  });
}

/**
 * The request's one input -> images or tensors, one per batch element. `raw` holds its binary data
 * when sent with the binary extension. At most `maxBatch` elements.
 */
export function readModelInput(classifier: Classifier, inputs: readonly InferInput[], raw: Map<number, Buffer>, maxBatch: number): ModelInput {
  const tensorName = classifier.model.manifest.input.name;
  if (inputs.length !== 1) throw new InvalidInferRequestError(`send exactly one input: "${tensorName}" (FP32 or UINT8 [N,H,W,3]) or "${IMAGE_INPUT}" (BYTES [N])`);
  const input = inputs[0]!;
  const binary = raw.get(0);
  const batch = input.shape[0] ?? 0;
  if (batch < 1 || batch > maxBatch) throw new InvalidInferRequestError(`input "${input.name}": batch ${batch}; 1 to ${maxBatch} (MAX_FILES) per request`);

  if (input.name === IMAGE_INPUT) {
    if (input.datatype !== 'BYTES' || input.shape.length !== 1) throw new InvalidInferRequestError(`input "${IMAGE_INPUT}" is BYTES [N], got ${input.datatype} [${input.shape.join(',')}]`);
    const images = binary === undefined ? jsonBytes(input) : splitBytes(input.name, binary, batch);
    if (images.length !== batch) throw new InvalidInferRequestError(`input "${IMAGE_INPUT}": shape says ${batch} images, data holds ${images.length}`);
    return { kind: 'images', images };
  }

  if (input.name !== tensorName) throw new InvalidInferRequestError(`no input "${input.name}": the model takes "${tensorName}" or "${IMAGE_INPUT}"`);
  const expected = tensorShape(classifier).slice(1);
  if (input.shape.length !== 4 || expected.some((d, i) => input.shape[i + 1] !== d)) {
    throw new InvalidInferRequestError(`input "${tensorName}": shape [${input.shape.join(',')}]; the model takes [N,${expected.join(',')}]`);
  }
  if (!Object.hasOwn(TENSOR_DATATYPES, input.datatype)) throw new InvalidInferRequestError(`input "${tensorName}": datatype ${input.datatype}; FP32 (in the model's range) or UINT8`);
  const datatype = input.datatype as keyof typeof TENSOR_DATATYPES;
  const size = classifier.tensorSize;
  const count = batch * size;
  let values: Float32Array | Uint8Array;
  if (binary !== undefined) {
    if (binary.length !== count * TENSOR_DATATYPES[datatype]) {
      throw new InvalidInferRequestError(`input "${tensorName}": ${binary.length} bytes of binary data; [${input.shape.join(',')}] ${datatype} is ${count * TENSOR_DATATYPES[datatype]}`);
    }
    // A copy: aligned for Float32Array, and the request's buffer is not kept. Little-endian, as the host.
    const copy = new Uint8Array(binary);
    values = datatype === 'FP32' ? new Float32Array(copy.buffer) : copy;
  } else {
    const numbers = flatNumbers(input);
    if (numbers.length !== count) throw new InvalidInferRequestError(`input "${tensorName}": ${numbers.length} values; [${input.shape.join(',')}] is ${count}`);
    if (datatype === 'UINT8' && !numbers.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) throw new InvalidInferRequestError(`input "${tensorName}": UINT8 values are integers 0..255`);
    values = datatype === 'FP32' ? Float32Array.from(numbers) : Uint8Array.from(numbers);
  }
  return { kind: 'tensor', images: Array.from({ length: batch }, (_, i) => values.subarray(i * size, (i + 1) * size)) };
}
