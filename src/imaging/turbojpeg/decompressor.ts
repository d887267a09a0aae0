import koffi from 'koffi';
import type { RgbImage } from '../rgb-image.js';
import { bindTurboJpeg, TJCS, TJFLAG_ACCURATEDCT, TJFLAG_LIMITSCANS, TJPF_RGB, TURBOJPEG_LIBRARY, type TjHandle, type TurboJpegApi } from './sys.js';

/** Colour spaces decoded here; CMYK and YCCK need libvips' colour management. */
const DIRECT_COLOUR_SPACES: ReadonlySet<number> = new Set([TJCS.RGB, TJCS.YCbCr, TJCS.GRAY]);

/**
 * JPEG decoding straight through libjpeg-turbo's TurboJPEG API, for the small images whose decode
 * libvips would make slow: a libvips pipeline costs about 1 ms of CPU more than the decode itself
 * for a 299x299 JPEG. The bytes are those libvips gives (same accurate IDCT, same upsampling),
 * which test/imaging/turbojpeg/decompressor.test.ts checks. Each call owns its tjhandle, created
 * and destroyed around the decode: a handle is not thread-safe and costs microseconds.
 */
export class TurboJpegDecompressor {
  private constructor(
    private readonly api: TurboJpegApi,
    /** The library's file name, for the start-up log. */
    readonly library: string,
  ) {}

  /** The system's libturbojpeg, or null when it cannot be loaded (JPEGs then go to libvips). */
  static load(library: string = TURBOJPEG_LIBRARY): TurboJpegDecompressor | null {
    try {
      return new TurboJpegDecompressor(bindTurboJpeg(koffi.load(library)), library);
    } catch {
      return null;
    }
  }

  /**
   * `jpeg` decoded to 8-bit RGB on libuv's pool, or null to leave it to libvips: an unreadable
   * header, CMYK or YCCK, more than `maxPixels`, or any damage the decoder meets (libjpeg's
   * warnings included), so that libvips' rules for damaged images stay the only ones.
   */
  async decode(jpeg: Uint8Array, maxPixels: number): Promise<RgbImage | null> {
    const { api } = this;
    const handle = api.tjInitDecompress();
    if (handle === null) return null;
    const size = this.#header(handle, jpeg);
    if (size === null || size.width * size.height > maxPixels) {
      api.tjDestroy(handle);
      return null;
    }
    const { width, height } = size;
    const data = new Uint8Array(width * height * 3);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        api.tjDestroy(handle);
        resolve(ok ? { data, width, height, warnings: [] } : null);
      };
      try {
        const flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS;
        api.tjDecompress2.async(handle, jpeg, jpeg.length, data, width, 0, height, TJPF_RGB, flags, (error, status) => done(!error && status === 0));
      } catch {
        done(false);
      }
    });
  }

  /** The size from the header, or null when it is unreadable or the colour space is not decoded here. */
  #header(handle: TjHandle, jpeg: Uint8Array): { width: number; height: number } | null {
    const width: [number] = [0];
    const height: [number] = [0];
    const subsampling: [number] = [0];
    const colourSpace: [number] = [0];
    if (this.api.tjDecompressHeader3(handle, jpeg, jpeg.length, width, height, subsampling, colourSpace) !== 0) return null;
    return DIRECT_COLOUR_SPACES.has(colourSpace[0]) ? { width: width[0], height: height[0] } : null;
  }
}
