import koffi from 'koffi';
import { OpenVinoError } from '../errors.js';
import { bindApi, type BoundApi } from './sys/api.js';
import { loadOpenVinoLibrary, type LibrarySearchOptions } from './sys/library-locator.js';
import type { Pointer } from './sys/types.js';
import { ElementTypeCodes, detectLayout } from './element-types.js';

/**
 * The loaded libopenvino_c with its bound functions, the runtime's element-type codes, and the
 * status check every wrapper uses. One per Runtime; the wrappers keep a reference to it.
 */
export class OpenVinoLibrary {
  readonly api: BoundApi;
  readonly path: string;
  readonly elementTypes: ElementTypeCodes;

  constructor(options: LibrarySearchOptions) {
    const { lib, path } = loadOpenVinoLibrary(options);
    this.path = path;
    this.api = bindApi(lib);
    this.elementTypes = new ElementTypeCodes(detectLayout((code, elements) => this.probeByteSize(code, elements)));
  }

  /** Throws OpenVinoError with OpenVINO's own message when `status` is not OK (0). */
  check(status: number, call: string): void {
    if (status !== 0) throw new OpenVinoError(status, call, this.lastErrorMessage(status));
  }

  /** Decodes a string OpenVINO allocated and releases it with ov_free. */
  takeString(pointer: Pointer | null): string {
    if (pointer === null) return '';
    try {
      return koffi.decode(pointer, 'char', -1) as string;
    } finally {
      this.api.ov_free(pointer);
    }
  }

  /** ov_get_last_err_msg (2024+) carries the exception text; 2022.3 only has the generic status text. */
  private lastErrorMessage(status: number): string {
    const generic = this.api.ov_get_error_info(status);
    const detailed = this.api.ov_get_last_err_msg ? this.takeString(this.api.ov_get_last_err_msg()).trim() : '';
    return detailed || generic;
  }

  private probeByteSize(code: number, elements: number): number | undefined {
    const tensor: [Pointer | null] = [null];
    if (this.api.ov_tensor_create(code, { rank: 1, dims: [elements] }, tensor) !== 0 || tensor[0] === null) {
      return undefined;
    }
    try {
      const size: [number] = [0];
      return this.api.ov_tensor_get_byte_size(tensor[0], size) === 0 ? Number(size[0]) : undefined;
    } finally {
      this.api.ov_tensor_free(tensor[0]);
    }
  }
}
