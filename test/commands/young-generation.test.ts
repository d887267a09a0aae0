import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { ROOT } from '../support/fixtures.js';

const run = promisify(execFile);
const MODULE = pathToFileURL(path.join(ROOT, 'src/commands/young-generation.ts')).href;

// Allocation with survivors, as in-flight requests leave at each scavenge: enough to make V8 grow its
// young generation several times over. Each case runs in its own process: the flag is process-wide.
const WORKLOAD = `
const { holdYoungGeneration, youngGenerationBytes } = await import(${JSON.stringify(MODULE)});
const start = process.argv[1] === 'hold' ? holdYoungGeneration() : youngGenerationBytes();
const live = [];
const sizes = [];
for (let i = 0; i < 2e6; i++) {
  live.push({ i, values: new Array(8).fill(i) });
  if (live.length > 20000) live.splice(0, 10000);
  if (i % 50000 === 0) sizes.push(youngGenerationBytes());
}
console.log(JSON.stringify({ start, sizes }));
`;

const MIB = 2 ** 20;

/** The size it has most of the time: Node 24's V8 briefly holds extra pages around a scavenge (seen: up to 3.5x). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function youngGeneration(mode: 'hold' | 'default', nodeArgs: string[] = []): Promise<{ start: number; typical: number; atStart: number }> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '--import=tsx', '--input-type=module', '-e', WORKLOAD, mode], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const { start, sizes } = JSON.parse(stdout) as { start: number; sizes: number[] };
  return { start: start / MIB, typical: median(sizes) / MIB, atStart: sizes.filter((size) => size <= start).length / sizes.length };
}

t.test('left alone, V8 grows the young generation under this workload (what the hold is for)', async (t) => {
  const { start, typical, atStart } = await youngGeneration('default');
  t.ok(typical >= 4 * start, `grew from ${start} MiB to ${typical} MiB`);
  t.ok(atStart < 0.2, `at its start size in ${Math.round(atStart * 100)} % of samples`);
});

t.test('held, it keeps its start size under the same workload', async (t) => {
  const { start, typical, atStart } = await youngGeneration('hold');
  t.ok(start > 0 && start <= 4, `starts small: ${start} MiB`);
  t.equal(typical, start, 'the size it has most of the time');
  t.ok(atStart >= 0.6, `at its start size in ${Math.round(atStart * 100)} % of samples`);
});

t.test('held, --min-semi-space-size still sets its size', async (t) => {
  const { typical } = await youngGeneration('hold', ['--min-semi-space-size=4']);
  t.equal(typical, 8, 'two 4 MiB semi-spaces most of the time');
});
