import t from 'tap';
import { DecodeLimiter } from '../../src/imaging/decode-limiter.js';
import { DecodeQueueFullError } from '../../src/imaging/index.js';

/** A task that runs until released, recording its start. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { task: async () => { log.push(name); await done; return name; }, release };
}

t.test('runs at most maxRunning at once and starts the waiting ones first in, first out', async (t) => {
  const limiter = new DecodeLimiter(2, 10);
  const log: string[] = [];
  const gates = ['a', 'b', 'c', 'd', 'e'].map((name) => gate(log, name));
  const results = gates.map((g) => limiter.run(g.task));
  await new Promise((resolve) => setImmediate(resolve));
  t.same(log, ['a', 'b'], 'two started');
  t.same(limiter.stats, { running: 2, queued: 3 });
  gates[1]!.release();
  await results[1];
  await new Promise((resolve) => setImmediate(resolve));
  t.same(log, ['a', 'b', 'c'], 'the first in line took the freed slot');
  // A newcomer while the line is non-empty waits behind it.
  const late = gate(log, 'f');
  const lateResult = limiter.run(late.task);
  for (const g of gates) g.release();
  t.same(await Promise.all(results), ['a', 'b', 'c', 'd', 'e']);
  late.release();
  t.equal(await lateResult, 'f');
  t.same(log, ['a', 'b', 'c', 'd', 'e', 'f']);
  t.same(limiter.stats, { running: 0, queued: 0 });
});

t.test('refuses with IMAGE_DECODE_QUEUE_FULL once the line is full, and frees slots of failed tasks', async (t) => {
  const limiter = new DecodeLimiter(1, 1);
  const log: string[] = [];
  const first = gate(log, 'first');
  const running = limiter.run(first.task);
  const queued = limiter.run(async () => 'queued');
  await t.rejects(limiter.run(async () => 'overflow'), new DecodeQueueFullError(1, 1));
  await t.rejects(limiter.run(async () => 'overflow'), { code: 'IMAGE_DECODE_QUEUE_FULL', message: 'too many images being decoded: 1 decoding and 1 waiting' });
  first.release();
  t.equal(await running, 'first');
  t.equal(await queued, 'queued');
  await t.rejects(limiter.run(async () => { throw new Error('boom'); }), { message: 'boom' });
  t.same(limiter.stats, { running: 0, queued: 0 }, 'a failed task gives its slot back');
});

t.test('refuses nonsense limits', async (t) => {
  t.throws(() => new DecodeLimiter(0, 1), RangeError);
  t.throws(() => new DecodeLimiter(1.5, 1), RangeError);
  t.throws(() => new DecodeLimiter(1, -1), RangeError);
  t.ok(new DecodeLimiter(1, 0), 'no queue at all is allowed');
});
