import t from 'tap';
import { releaseBuffer } from '../../src/imaging/release-buffer.js';
import { withoutDetach } from '../support/detach.js';

t.test('a view owning its whole buffer is freed at once: later reads see no bytes, never stale pixels', { skip: withoutDetach }, async (t) => {
  const pixels = new Uint8Array(299 * 299 * 3).fill(7);
  releaseBuffer(pixels);
  t.equal(pixels.length, 0);
  t.equal(pixels.buffer.byteLength, 0);
  t.ok((pixels.buffer as ArrayBuffer & { detached: boolean }).detached);
});

t.test('a view sharing its buffer (a pooled small Buffer, a subarray) is left alone', async (t) => {
  const pooled = Buffer.from('a small buffer from Node\'s shared pool');
  t.not(pooled.byteLength, pooled.buffer.byteLength, 'Node pools small Buffers');
  releaseBuffer(pooled);
  t.equal(pooled.toString(), 'a small buffer from Node\'s shared pool');
  const whole = new Uint8Array(16).fill(1);
  const part = whole.subarray(4);
  releaseBuffer(part);
  t.equal(whole.length, 16);
  t.equal(part.length, 12);
});
