import { DisposedError } from '../errors.js';
import type { Pointer } from './sys/types.js';

/**
 * Safety net only: a wrapper dropped without dispose() still has its native object freed when
 * it is garbage-collected. Code in this project always disposes explicitly.
 */
const finalizer = new FinalizationRegistry<() => void>((release) => release());

/**
 * Owns one native OpenVINO object. dispose() frees it exactly once; any use afterwards throws
 * DisposedError instead of handing a dangling pointer to native code.
 */
export abstract class NativeObject {
  #handle: Pointer | null;
  readonly #what: string;

  /** `release` must not capture `this`, or the finalizer could never run. */
  protected constructor(what: string, handle: Pointer, release: (handle: Pointer) => void) {
    this.#what = what;
    this.#handle = handle;
    this.#release = () => release(handle);
    finalizer.register(this, this.#release, this);
  }

  readonly #release: () => void;

  get disposed(): boolean {
    return this.#handle === null;
  }

  /** The native pointer, for the binding's own C API calls (not for users of the wrappers). */
  get handle(): Pointer {
    if (this.#handle === null) throw new DisposedError(this.#what);
    return this.#handle;
  }

  /**
   * Gives the native object to another owner without freeing it: a model compiled on a worker
   * thread is handed to the main thread this way (same process, so the address stays valid).
   */
  transfer(): Pointer {
    const handle = this.handle;
    this.#handle = null;
    finalizer.unregister(this);
    return handle;
  }

  dispose(): void {
    if (this.#handle === null) return;
    this.#handle = null;
    finalizer.unregister(this);
    this.#release();
  }
}
