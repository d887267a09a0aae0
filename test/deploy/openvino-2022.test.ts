import { spawn } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { root } from './dockerfile.js';

// OpenVINO 2022.3.1 (the NCS2's runtime line) in a Debian bullseye root on every IR the image carries
// (scripts/openvino-2022-check.sh): ~2 min, root and debootstrap. CI runs it when asked to.
const enabled = process.env.LEUKOSERVE_OPENVINO_2022_CHECK === '1';

t.test('OpenVINO 2022.3 reads, compiles and scores both IRs of the default model as today\'s runtime does', { skip: !enabled && 'set LEUKOSERVE_OPENVINO_2022_CHECK=1 to run the IRs on OpenVINO 2022.3.1 (~2 min)' }, async (t) => {
  t.setTimeout(30 * 60 * 1000);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'scripts/openvino-2022-check.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const log = output.join('');
  const summary = log.split('\n').filter((line) => line.includes('[openvino-2022]')).join('\n');
  t.equal(code, 0, 'scripts/openvino-2022-check.sh exits 0', { summary: code === 0 ? summary : log.slice(-20_000) });
  t.match(log, /\[openvino-2022\]\S* 2022\.3\.1-\S+: \/model\/model-fp32\.xml \[1, 299, 299, 3\] -> \[4, 1, 2\]/, '2022.3.1 reads the FP32 IR');
  t.match(log, /\[openvino-2022\]\S* 2022\.3\.1-\S+: \/model\/model-fp16\.xml \[1, 299, 299, 3\] -> \[4, 1, 2\]/, 'and the FP16 IR');
  for (const ir of ['model-fp32.xml', 'model-fp16.xml']) {
    const diff = new RegExp(`ok: ${ir.replace('.', '\\.')} reads and compiles .* \\(max \\|diff\\| ([^,]+),`).exec(log)?.[1];
    t.ok(diff !== undefined && Number(diff) <= 1e-5, `${ir}: max |score difference| ${diff} <= 1e-5`);
  }
});
