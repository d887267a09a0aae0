import t from 'tap';
import { runScript } from '../support/run-script.js';

// Builds the amd64, arm64 and arm/v7 images and runs the arm ones under QEMU (scripts/container-emulated-check.sh):
// ~8 min, and it needs root, podman, buildah, debootstrap and qemu-user-static. CI runs it when asked to.
const enabled = process.env.LEUKOSERVE_EMULATED_CHECK === '1';
const cpus = (process.env.EMULATED_CPUS ?? 'cortex-a72 cortex-a76').split(/\s+/).filter(Boolean);

t.test('the arm images build here and run under emulation like the amd64 one', { skip: !enabled && 'set LEUKOSERVE_EMULATED_CHECK=1 to build the arm images and run them under QEMU (~8 min)' }, async (t) => {
  t.setTimeout(60 * 60 * 1000);
  const { code, log, summary } = await runScript('container-emulated-check.sh', /\[(emulated-check|container-build)\]/);
  t.equal(code, 0, 'scripts/container-emulated-check.sh exits 0', { summary });
  for (const label of ['amd64', ...cpus.map((cpu) => `arm64-${cpu}`)]) {
    t.match(log, new RegExp(`ok: ${label}: GET /health/ready 200`));
    t.match(log, new RegExp(`ok: ${label}: GET /devices 200 \\(CPU available\\)`));
    t.match(log, new RegExp(`ok: ${label}: POST /classify 200 on 7 fixtures`));
  }
  for (const cpu of cpus) {
    const diff = new RegExp(`ok: arm64 ${cpu}: scores equal amd64's within 1e-4 \\(max \\|diff\\| ([^)]+)\\)`).exec(log)?.[1];
    t.ok(diff !== undefined && Number(diff) <= 1e-4, `arm64 on ${cpu}: max |score difference| ${diff} <= 1e-4`);
  }
  t.match(log, /ok: arm64: node v24\.\d+\.\d+ arm64, koffi 3\.3\.4, sharp 0\.35\.5 .* load; small JPEGs: libjpeg-turbo \(libturbojpeg\.so\.0\)/);
  t.match(log, /ok: arm64: preprocessing bytes equal amd64's on all 7 fixtures/);
  t.match(log, /ok: armv7: node v20\.11\.0 arm, koffi 3\.3\.4, sharp 0\.35\.5 .* load; small JPEGs: libjpeg-turbo \(libturbojpeg\.so\.0\)/);
  t.match(log, /ok: armv7: preprocessing bytes equal amd64's on all 7 fixtures/);
  t.match(log, /ok: armv7: node dist\/main\.js exits [1-9]\d*: libopenvino_c could not be loaded; set OPENVINO_LIB_DIR\. Looked in:/);
});
