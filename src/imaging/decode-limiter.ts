import { DecodeQueueFullError } from './errors.js';

/**
 * A counting semaphore for decodes: at most `maxRunning` at once (each holds one of libuv's
 * threads, 4 by default, shared with file and DNS work), the rest wait first in, first out in a
 * line of at most `maxQueued`, beyond which DecodeQueueFullError.
 */
export class DecodeLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxRunning: number,
    readonly maxQueued: number,
  ) {
    if (!Number.isSafeInteger(maxRunning) || maxRunning < 1) throw new RangeError(`maxRunning must be an integer >= 1, got ${maxRunning}`);
    if (!Number.isSafeInteger(maxQueued) || maxQueued < 0) throw new RangeError(`maxQueued must be an integer >= 0, got ${maxQueued}`);
  }

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /** Runs `task` when a slot is free; the slot is held until the task settles, whoever waits for it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxQueued) throw new DecodeQueueFullError(this.running, this.waiting.length);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so `running` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
