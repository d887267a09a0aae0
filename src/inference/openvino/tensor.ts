import koffi from 'koffi';
import type { OpenVinoLibrary } from './library.js';
import type { Out, Pointer } from './sys/types.js';
import { BYTES_PER_ELEMENT, type ElementType } from './element-types.js';
import { NativeObject } from './native-object.js';

/**
 * A tensor whose memory OpenVINO allocated (ov_tensor_create), so it stays valid while an
 * inference runs on another thread, unlike a JS buffer that V8 may move. `bytes` is a view of
 * that memory (no copy).
 */
export class Tensor extends NativeObject {
  readonly #bytes: Uint8Array;

  private constructor(
    library: OpenVinoLibrary,
    tensor: Pointer,
    readonly elementType: ElementType,
    readonly shape: readonly number[],
  ) {
    super('Tensor', tensor, (handle) => library.api.ov_tensor_free(handle));
    const data: Out<Pointer | null> = [null];
    library.check(library.api.ov_tensor_data(tensor, data), 'ov_tensor_data');
    const byteLength = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[elementType];
    this.#bytes = new Uint8Array(koffi.view(data[0], byteLength));
  }

  static create(library: OpenVinoLibrary, elementType: ElementType, shape: readonly number[]): Tensor {
    const tensor: Out<Pointer | null> = [null];
    library.check(
      library.api.ov_tensor_create(library.elementTypes.code(elementType), { rank: shape.length, dims: [...shape] }, tensor),
      'ov_tensor_create',
    );
    return new Tensor(library, tensor[0] as Pointer, elementType, shape);
  }

  /** The tensor's native memory; throws DisposedError once the tensor is freed. */
  get bytes(): Uint8Array {
    void this.handle; // throws after dispose: the view would point at freed memory
    return this.#bytes;
  }
}
