import t from 'tap';
import { OpenVinoDevices, Runtime, type InputConversion } from '../../src/inference/index.js';
import { loadManifest } from '../../src/model/manifest.js';
import { modelPrecisions } from '../../src/service/classifier.js';
import { cpuSettings } from '../support/cpu-classifier.js';
import { defaultModelDir } from '../support/models/models.js';

const dir = defaultModelDir();

t.test('the default Inception V3 model through the pool', { skip: dir ? false : 'models/default not built (run scripts/setup.sh)' }, async (t) => {
  const loaded = await loadManifest(dir ?? '');
  const { manifest } = loaded;
  const runtime = Runtime.open();
  t.teardown(() => runtime.dispose());
  const [low, high] = manifest.preprocessing.range;
  const settings = cpuSettings({ devices: ['MYRIAD', 'CPU'], numRequests: 1, maxQueue: 4, timeoutMs: 60_000 });
  // MYRIAD would get the FP16 IR; here it is not listed, so the CPU compiles the FP32 IR.
  const open = (inputConversion?: InputConversion) => new OpenVinoDevices(runtime, { model: modelPrecisions(loaded), inputConversion, settings }).open(settings.devices);
  // [0,255] -> [low,high]: x * (high - low) / 255 + low  ==  (x - mean) / scale
  const u8Pool = await open({ mean: (-low * 255) / (high - low), scale: 255 / (high - low), modelLayout: 'NHWC' });
  const f32Pool = await open();
  t.teardown(() => Promise.all([u8Pool.close(), f32Pool.close()]));

  t.equal(u8Pool.device, 'CPU');
  t.same(u8Pool.input, { name: manifest.input.name, shape: manifest.input.shape, elementType: 'u8' });
  t.same(f32Pool.input, { name: manifest.input.name, shape: manifest.input.shape, elementType: manifest.input.element_type });
  t.same(u8Pool.output, { name: manifest.output.name, shape: [1, manifest.labels.length], elementType: 'f32' });

  // A deterministic gradient image, fed once as u8 and once as f32 converted here in TS.
  const pixels = Uint8Array.from({ length: 299 * 299 * 3 }, (_, i) => (i * 7 + (i % 3) * 50) % 256);
  const floats = Float32Array.from(pixels, (p) => (p / 255) * (high - low) + low);
  const [viaOpenVino, viaTs] = await Promise.all([u8Pool.run(pixels), f32Pool.run(floats)]);
  t.equal(viaOpenVino.output.length, manifest.labels.length);
  if (manifest.output.kind === 'probabilities') {
    t.ok(Math.abs(viaOpenVino.output.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'probabilities sum to 1');
  }
  const worst = Math.max(...viaOpenVino.output.map((v, i) => Math.abs(v - (viaTs.output[i] ?? NaN))));
  t.ok(worst < 1e-4, `u8 conversion inside OpenVINO matches f32 scaling in TS (max |diff| ${worst})`);
});
