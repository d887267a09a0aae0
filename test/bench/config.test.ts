import t from 'tap';
import { loadBenchConfig } from '../../bench/config.js';

t.test('defaults: the full run, or the short --quick smoke', async (t) => {
  const full = loadBenchConfig([], {}, '/repo');
  t.same(
    { seconds: full.seconds, concurrencies: full.concurrencies, memoryRequests: full.memoryRequests, modelDir: full.modelDir },
    { seconds: 10, concurrencies: [1, 2, 4, 8, 16], memoryRequests: 10_000, modelDir: '/repo/models/default' },
  );
  const quick = loadBenchConfig(['--quick'], {}, '/repo');
  t.same({ seconds: quick.seconds, concurrencies: quick.concurrencies, memoryRequests: quick.memoryRequests }, { seconds: 2, concurrencies: [1, 4], memoryRequests: 300 });
});

t.test('BENCH_* variables override the defaults; an empty one counts as unset', async (t) => {
  const config = loadBenchConfig(['--profile'], { BENCH_SECONDS: '3.5', BENCH_CONCURRENCY: '2, 8', BENCH_MEMORY_REQUESTS: '', MODEL_DIR: 'models/x' }, '/repo');
  t.equal(config.seconds, 3.5);
  t.same(config.concurrencies, [2, 8]);
  t.equal(config.memoryRequests, 10_000);
  t.equal(config.modelDir, '/repo/models/x');
  t.equal(config.profile, true);
  t.same(config.precisions, ['f32', 'bf16', 'int8'], 'every precision by default, f32 first');
  t.same(loadBenchConfig([], { BENCH_PRECISIONS: 'int8, f32,int8' }, '/repo').precisions, ['int8', 'f32'], 'in the order given, once each');
});

t.test('every bad setting is named', async (t) => {
  t.throws(() => loadBenchConfig([], { BENCH_CONCURRENCY: '1,x', BENCH_MEMORY_REQUESTS: '50' }, '/repo'), {
    code: 'BENCH_CONFIG_INVALID',
    message: /BENCH_CONCURRENCY.*BENCH_MEMORY_REQUESTS: must be at least 100/,
  });
  t.throws(() => loadBenchConfig(['--fast'], {}, '/repo'), { code: 'BENCH_CONFIG_INVALID', message: /--fast/ });
  t.throws(() => loadBenchConfig([], { BENCH_PRECISIONS: 'f32,fp16' }, '/repo'), { code: 'BENCH_CONFIG_INVALID', message: /BENCH_PRECISIONS/ });
});
