import t from 'tap';
import { runScript } from '../support/run-script.js';

// OpenVINO 2022.3.1 (the NCS2's runtime line) in a Debian bullseye root on every IR the image carries
// (scripts/openvino-2022-check.sh): ~2 min, root and debootstrap. CI runs it when asked to.
const enabled = process.env.LEUKOSERVE_OPENVINO_2022_CHECK === '1';

t.test('OpenVINO 2022.3 reads, compiles and scores both IRs of the default model as today\'s runtime does', { skip: !enabled && 'set LEUKOSERVE_OPENVINO_2022_CHECK=1 to run the IRs on OpenVINO 2022.3.1 (~2 min)' }, async (t) => {
  t.setTimeout(30 * 60 * 1000);
  const { code, log, summary } = await runScript('openvino-2022-check.sh', /\[openvino-2022\]/);
  t.equal(code, 0, 'scripts/openvino-2022-check.sh exits 0', { summary });
  t.match(log, /\[openvino-2022\]\S* 2022\.3\.1-\S+: \/model\/model-fp32\.xml \[1, 299, 299, 3\] -> \[4, 1, 2\]/, '2022.3.1 reads the FP32 IR');
  t.match(log, /\[openvino-2022\]\S* 2022\.3\.1-\S+: \/model\/model-fp16\.xml \[1, 299, 299, 3\] -> \[4, 1, 2\]/, 'and the FP16 IR');
  for (const ir of ['model-fp32.xml', 'model-fp16.xml']) {
    const diff = new RegExp(`ok: ${ir.replace('.', '\\.')} reads and compiles .* \\(max \\|diff\\| ([^,]+),`).exec(log)?.[1];
    t.ok(diff !== undefined && Number(diff) <= 1e-5, `${ir}: max |score difference| ${diff} <= 1e-5`);
  }
});
