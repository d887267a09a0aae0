import { Value } from 'typebox/value';
import { InvalidInferRequestError } from '../../errors.js';
import { InferRequestSchema, type InferRequest, type InferResponse } from './schemas.js';

/**
 * Triton's binary tensor data extension: the JSON header, then each input with a
 * `binary_data_size` parameter as raw little-endian bytes, in input order. The header's length is
 * the Inference-Header-Content-Length header; without it the whole body is JSON.
 */
export const HEADER_LENGTH = 'inference-header-content-length';

export interface ParsedInferRequest {
  request: InferRequest;
  /** The raw bytes of each input sent in binary, by its index; absent for inputs sent as JSON `data`. */
  binary: Map<number, Buffer>;
}

export function parseInferRequest(body: Buffer, headerLength: string | undefined): ParsedInferRequest {
  let jsonLength = body.length;
  if (headerLength !== undefined) {
    jsonLength = Number(headerLength);
    if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length) {
      throw new InvalidInferRequestError(`Inference-Header-Content-Length ${headerLength} does not fit a body of ${body.length} bytes`);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body.subarray(0, jsonLength).toString('utf8'));
  } catch (error) {
    throw new InvalidInferRequestError(`the inference request is not JSON: ${(error as Error).message}`);
  }
  if (!Value.Check(InferRequestSchema, raw)) {
    const [first] = Value.Errors(InferRequestSchema, raw);
    throw new InvalidInferRequestError(`invalid inference request: ${first?.instancePath || '(root)'} ${first?.message ?? ''}`.trim());
  }
  const request = raw;
  const binary = new Map<number, Buffer>();
  let offset = jsonLength;
  request.inputs.forEach((input, index) => {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) return;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || offset + size > body.length) {
      throw new InvalidInferRequestError(`input "${input.name}": binary_data_size ${String(size)} runs past the ${body.length - jsonLength} bytes after the JSON header`);
    }
    if (input.data !== undefined) throw new InvalidInferRequestError(`input "${input.name}" has both data and binary_data_size`);
    binary.set(index, body.subarray(offset, offset + size));
    offset += size;
  });
  if (offset !== body.length) throw new InvalidInferRequestError(`${body.length - offset} bytes after the inputs' binary data`);
  return { request, binary };
}

/** Whether output `name` goes back as binary: its own binary_data parameter, else the request's binary_data_output. */
export function wantsBinary(request: InferRequest, name: string): boolean {
  const own = request.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
  if (typeof own === 'boolean') return own;
  return request.parameters?.binary_data_output === true;
}

/** The response body: JSON, or the JSON header followed by the binary outputs, and its header length if so. */
export function encodeInferResponse(response: InferResponse, binary: Map<string, Buffer>): { body: Buffer | InferResponse; headerLength: number | null } {
  if (binary.size === 0) return { body: response, headerLength: null };
  const header = Buffer.from(JSON.stringify(response), 'utf8');
  const parts: Buffer[] = [header];
  for (const output of response.outputs) {
    const data = binary.get(output.name);
    if (data !== undefined) parts.push(data);
  }
  return { body: Buffer.concat(parts), headerLength: header.length };
}
