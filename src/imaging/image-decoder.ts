import { DecodeLimiter } from './decode-limiter.js';
import { DecodeTimeoutError } from './errors.js';
import { preprocess, type PreprocessedImage } from './preprocess.js';
import { releaseBuffer } from './release-buffer.js';

export interface ImageDecoderOptions {
  /** Model input size (299x299 for Inception V3). */
  readonly width: number;
  readonly height: number;
  /** Fraction of each side kept by the central crop (0.875 in TF-Slim's eval path). */
  readonly centralFraction: number;
  /** Decoded-pixel limit, checked from the header before decoding. */
  readonly maxPixels: number;
  /** Decodes at once: each holds a libuv thread (4 by default), so keep this below UV_THREADPOOL_SIZE. */
  readonly maxConcurrentDecodes: number;
  /** Decodes waiting for a slot, FIFO; beyond it IMAGE_DECODE_QUEUE_FULL. */
  readonly maxQueuedDecodes: number;
  /** Longest a decode may take once it has a slot; beyond it IMAGE_DECODE_TIMEOUT. */
  readonly deadlineMs: number;
  /** Decode damaged images with `warnings` instead of refusing them with CORRUPT_IMAGE. */
  readonly acceptDamaged: boolean;
}

/** What the caller lets the decoder do with the bytes it passes. */
export interface DecodeRunOptions {
  /**
   * The caller hands the bytes over: they are freed (see releaseBuffer) once no decode can read
   * them any more — after the decode has ended, which may be after its deadline, or at once if
   * it is refused. An upload body is half a megabyte or more outside V8's heap, and left to the
   * garbage collector it costs a mark-compact every few requests.
   */
  readonly releaseBytes?: boolean;
}

/**
 * Upload bytes -> the model's u8 input, within a budget: pixels (maxPixels), concurrency
 * (maxConcurrentDecodes, maxQueuedDecodes) and time (deadlineMs). One per service.
 */
export class ImageDecoder {
  private readonly limiter: DecodeLimiter;
  private readonly timeoutSeconds: number;

  constructor(readonly options: ImageDecoderOptions) {
    const { deadlineMs } = options;
    if (!Number.isSafeInteger(deadlineMs) || deadlineMs <= 0) throw new RangeError(`deadlineMs must be a positive integer, got ${deadlineMs}`);
    this.limiter = new DecodeLimiter(options.maxConcurrentDecodes, options.maxQueuedDecodes);
    // libvips cannot be cancelled from outside; sharp's timeout (whole seconds, checked as libvips
    // computes) ends the pixel work soon after the caller has stopped waiting.
    this.timeoutSeconds = Math.ceil(deadlineMs / 1000);
  }

  /** Decodes running and waiting now. */
  get stats(): { running: number; queued: number } {
    return this.limiter.stats;
  }

  run(bytes: Uint8Array, { releaseBytes = false }: DecodeRunOptions = {}): Promise<PreprocessedImage> {
    const { deadlineMs } = this.options;
    return new Promise<PreprocessedImage>((resolve, reject) => {
      this.limiter
        .run(async () => {
          // The caller is answered at the deadline; the slot stays held until the work has ended.
          const timer = setTimeout(() => reject(new DecodeTimeoutError(deadlineMs)), deadlineMs);
          try {
            resolve(await preprocess(bytes, { ...this.options, timeoutSeconds: this.timeoutSeconds }));
          } finally {
            clearTimeout(timer);
          }
        })
        .catch(reject)
        // The limiter settles once the work has ended (or was refused): nothing reads the bytes after.
        .finally(() => {
          if (releaseBytes) releaseBuffer(bytes);
        });
    });
  }
}
