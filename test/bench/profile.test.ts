import t from 'tap';
import { summariseMainThread, threadCpuBetween } from '../../bench/profile.js';

const root = '/srv/leukoserve';
// A .cpuprofile as node --cpu-prof writes it: samples name nodes, timeDeltas are microseconds since the previous sample.
const profile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 2, callFrame: { functionName: 'parse', url: `file://${root}/node_modules/fastify/lib/parse.js`, lineNumber: 9 } },
    { id: 3, callFrame: { functionName: 'classify', url: `file://${root}/dist/service/classifier.js`, lineNumber: 41 } },
    { id: 4, callFrame: { functionName: 'writeGeneric', url: 'node:internal/stream_base_commons', lineNumber: 0 } },
  ],
  startTime: 1_000_000,
  samples: [3, 2, 3, 1, 4, 3],
  timeDeltas: [1000, 1000, 2000, 3000, 1000, 5000],
};

t.test('self time inside the window only, by function and by origin', async (t) => {
  // Sample times: 1 001 000 (3), 1 002 000 (2), 1 004 000 (3), 1 007 000 (1), 1 008 000 (4), 1 013 000 (3).
  const summary = summariseMainThread(profile, 1_001_500, 1_008_000, root);
  t.equal(summary.sampledMs, 7, 'the first and last samples fall outside the window');
  t.same(summary.byOrigin, [
    { origin: '(idle)', selfMs: 3 },
    { origin: 'dist/service/classifier.js', selfMs: 2 },
    { origin: 'fastify', selfMs: 1 },
    { origin: 'node internals', selfMs: 1 },
  ]);
  t.same(summary.topFunctions[1], { fn: 'classify:42', origin: 'dist/service/classifier.js', selfMs: 2 });
});

t.test('thread CPU between two readings, busiest first, idle threads left out', async (t) => {
  const before = new Map([['node', 1], ['libuv-worker', 0.5], ['idle', 2]]);
  const after = new Map([['node', 1.5], ['libuv-worker', 2.5], ['idle', 2], ['new-thread', 0.25]]);
  t.same(threadCpuBetween(before, after), [
    { name: 'libuv-worker', cpuSeconds: 2 },
    { name: 'node', cpuSeconds: 0.5 },
    { name: 'new-thread', cpuSeconds: 0.25 },
  ]);
});
