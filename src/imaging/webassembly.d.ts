// The part of the WebAssembly JS API that resize-bilinear.ts uses. TypeScript declares the API only in
// its DOM and web-worker libraries, whose other globals (window, fetch's types...) a Node program must
// not see; @types/node leaves it out.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
