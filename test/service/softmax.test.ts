import t from 'tap';
import { softmax } from '../../src/service/softmax.js';

t.test('softmax: known values, sums to 1, no overflow on large logits', async (t) => {
  const p = softmax([0, Math.log(3)]);
  t.ok(Math.abs(p[0]! - 0.25) < 1e-12);
  t.ok(Math.abs(p[1]! - 0.75) < 1e-12);
  const big = softmax(new Float32Array([1000, 1001, 999]));
  t.ok(big.every((v) => Number.isFinite(v)));
  t.ok(Math.abs(big.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  t.ok(big[1]! > big[0]! && big[0]! > big[2]!);
});
