import type { KoffiFunc, LibraryHandle } from 'koffi';

/**
 * Raw declarations of the part of the TurboJPEG C API (libjpeg-turbo's turbojpeg.h, 2.0 and later)
 * that decodes; ./decompressor.ts owns the handles. The library is the system's (Debian:
 * libturbojpeg0); none is bundled.
 */
export const TURBOJPEG_LIBRARY = 'libturbojpeg.so.0';

/** tjhandle, a BigInt address in koffi 3 (null for NULL). */
export type TjHandle = bigint;

/** Pixel format: 3 bytes per pixel, R G B. */
export const TJPF_RGB = 0;

/** The JPEG's colour space as tjDecompressHeader3 reports it. */
export const TJCS = { RGB: 0, YCbCr: 1, GRAY: 2, CMYK: 3, YCCK: 4 } as const;

/** The accurate integer IDCT (libjpeg's JDCT_ISLOW), as TensorFlow's and libvips' decoders use. */
export const TJFLAG_ACCURATEDCT = 4096;
/** Refuse progressive JPEGs with more than 500 scans (a denial-of-service shape); libjpeg-turbo 2.1+, ignored before. */
export const TJFLAG_LIMITSCANS = 32768;

export interface TurboJpegApi {
  tjInitDecompress(): TjHandle | null;
  tjDecompressHeader3(handle: TjHandle, jpeg: Uint8Array, size: number, width: [number], height: [number], subsampling: [number], colorspace: [number]): number;
  /** Called through `.async` (libuv's pool): the one call that takes time. */
  tjDecompress2: KoffiFunc<
    (handle: TjHandle, jpeg: Uint8Array, size: number, dst: Uint8Array, width: number, pitch: number, height: number, pixelFormat: number, flags: number) => number
  >;
  tjDestroy(handle: TjHandle): number;
}

/** Binds the functions above from `lib`; throws when one is missing. */
export function bindTurboJpeg(lib: LibraryHandle): TurboJpegApi {
  return {
    tjInitDecompress: lib.func('void *tjInitDecompress()'),
    tjDecompressHeader3: lib.func(
      'int tjDecompressHeader3(void *handle, const uint8_t *jpegBuf, unsigned long jpegSize, _Out_ int *width, _Out_ int *height, _Out_ int *jpegSubsamp, _Out_ int *jpegColorspace)',
    ),
    // dst is a plain pointer, not _Out_: the library writes the pixels into the caller's buffer.
    tjDecompress2: lib.func(
      'int tjDecompress2(void *handle, const uint8_t *jpegBuf, unsigned long jpegSize, uint8_t *dstBuf, int width, int pitch, int height, int pixelFormat, int flags)',
    ),
    tjDestroy: lib.func('int tjDestroy(void *handle)'),
  } as unknown as TurboJpegApi;
}
