import koffi from 'koffi';
import { InputSizeError } from '../errors.js';
import type { OpenVinoLibrary } from './library.js';
import { BYTES_PER_ELEMENT, type ElementType } from './element-types.js';
import { ov_dimension_t, ov_partial_shape_t, type Out, type Pointer } from './sys/types.js';

export interface PortInfo {
  name: string;
  /** -1 marks a dynamic dimension. */
  shape: number[];
  elementType: ElementType;
}

interface Dimension {
  min: number | bigint;
  max: number | bigint;
}

/** Reads name, (partial) shape and element type of a port, then frees the port handle. */
export function takePortInfo(library: OpenVinoLibrary, port: Pointer): PortInfo {
  const { api } = library;
  const shapeStruct = koffi.alloc(ov_partial_shape_t, 1) as Pointer;
  try {
    const name: Out<Pointer | null> = [null];
    library.check(api.ov_port_get_any_name(port, name), 'ov_port_get_any_name');
    const type: Out<number> = [0];
    library.check(api.ov_port_get_element_type(port, type), 'ov_port_get_element_type');
    library.check(api.ov_port_get_partial_shape(port, shapeStruct), 'ov_port_get_partial_shape');
    let shape: number[];
    try {
      const partial = koffi.decode(shapeStruct, ov_partial_shape_t) as { rank: Dimension; dims: Pointer | null };
      const rank = Number(partial.rank.max);
      const dims = rank > 0 && partial.dims !== null ? (koffi.decode(partial.dims, ov_dimension_t, rank) as Dimension[]) : [];
      shape = dims.map((d) => (d.min === d.max ? Number(d.min) : -1));
    } finally {
      api.ov_partial_shape_free(shapeStruct);
    }
    return { name: library.takeString(name[0]), shape, elementType: library.elementTypes.type(type[0]) };
  } finally {
    koffi.free(shapeStruct);
    api.ov_output_const_port_free(port);
  }
}

type PortCount = 'ov_model_inputs_size' | 'ov_model_outputs_size' | 'ov_compiled_model_inputs_size' | 'ov_compiled_model_outputs_size';
type PortByIndex =
  | 'ov_model_const_input_by_index'
  | 'ov_model_const_output_by_index'
  | 'ov_compiled_model_input_by_index'
  | 'ov_compiled_model_output_by_index';

/** The C functions that count and fetch one kind of port. */
export const PORT_GETTERS = {
  modelInputs: ['ov_model_inputs_size', 'ov_model_const_input_by_index'],
  modelOutputs: ['ov_model_outputs_size', 'ov_model_const_output_by_index'],
  compiledInputs: ['ov_compiled_model_inputs_size', 'ov_compiled_model_input_by_index'],
  compiledOutputs: ['ov_compiled_model_outputs_size', 'ov_compiled_model_output_by_index'],
} as const satisfies Record<string, readonly [PortCount, PortByIndex]>;

/** All ports of one kind of a model or compiled model (`owner`). */
export function readPorts(library: OpenVinoLibrary, owner: Pointer, [count, byIndex]: readonly [PortCount, PortByIndex]): PortInfo[] {
  const size: Out<number> = [0];
  library.check(library.api[count](owner, size), count);
  return Array.from({ length: Number(size[0]) }, (_, index) => {
    const port: Out<Pointer | null> = [null];
    library.check(library.api[byIndex](owner, index, port), byIndex);
    return takePortInfo(library, port[0] as Pointer);
  });
}

/** Throws InputSizeError unless `data` has the port's element type and exactly its byte length. */
export function assertFitsPort(port: PortInfo, data: Uint8Array | Float32Array): void {
  const given = data instanceof Float32Array ? 'f32' : 'u8';
  if (given !== port.elementType) {
    throw new InputSizeError(`input ${port.name} takes ${port.elementType} elements, got a ${data.constructor.name}`);
  }
  const expected = port.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[port.elementType];
  if (data.byteLength !== expected) {
    throw new InputSizeError(
      `input ${port.name} [${port.shape.join(',')}] ${port.elementType} needs ${expected} bytes, got ${data.byteLength}`,
    );
  }
}
