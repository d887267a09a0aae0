import { writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DisposedError, OpenVinoError, Runtime } from '../../../src/inference/index.js';
import { defaultModelDir, testModels } from '../../support/models/models.js';

const models = testModels();
const runtime = Runtime.open();
t.teardown(() => runtime.dispose());

t.test('an explicit libDir is searched first', async (t) => {
  const other = Runtime.open({ libDir: path.dirname(runtime.libraryPath) });
  t.teardown(() => other.dispose());
  t.equal(other.libraryPath, runtime.libraryPath);
});

t.test('version is the one of the installed wheel', async (t) => {
  t.equal(runtime.version.buildNumber, models.openvinoVersion);
  t.equal(runtime.version.description, 'OpenVINO Runtime');
  t.match(runtime.libraryPath, /libopenvino_c\.so/);
});

t.test('available devices include the CPU with its full name', async (t) => {
  const cpu = runtime.availableDevices().find((d) => d.name === 'CPU');
  t.ok(cpu, 'CPU listed');
  t.match(cpu?.fullName, /\S/);
  t.equal(runtime.deviceProperty('CPU', 'FULL_DEVICE_NAME'), cpu?.fullName);
});

t.test('a model reports its ports; pre/post-processing changes them', async (t) => {
  const model = runtime.readModel(models.xml('matmul'));
  t.teardown(() => model.dispose());
  t.same(model.inputs, [{ name: 'x', shape: [1, 8], elementType: 'f32' }]);
  t.same(model.outputs, [{ name: 'y', shape: [1, 3], elementType: 'f32' }]);
  model.applyPrePostProcessing({ input: { tensorElementType: 'u8' }, outputElementType: 'f16' });
  t.same(model.inputs, [{ name: 'x', shape: [1, 8], elementType: 'u8' }]);
  t.same(model.outputs, [{ name: 'y', shape: [1, 3], elementType: 'f16' }]);
});

t.test('dynamic dimensions are reported as -1', async (t) => {
  const model = runtime.readModel(models.xml('reshape_fail'));
  t.teardown(() => model.dispose());
  t.same(model.outputs[0]?.shape, [-1, -1]);
});

t.test('compiling reports OPTIMAL_NUMBER_OF_INFER_REQUESTS and honours the hint', async (t) => {
  const model = runtime.readModel(models.xml('matmul'));
  const latency = model.compile('CPU', { PERFORMANCE_HINT: 'LATENCY' });
  const throughput = model.compile('CPU', { PERFORMANCE_HINT: 'THROUGHPUT', PERFORMANCE_HINT_NUM_REQUESTS: '2' });
  model.dispose();
  t.equal(latency.property('PERFORMANCE_HINT'), 'LATENCY');
  t.equal(latency.optimalNumberOfInferRequests, 1);
  t.equal(throughput.property('PERFORMANCE_HINT'), 'THROUGHPUT');
  t.equal(throughput.optimalNumberOfInferRequests, 2, 'capped by PERFORMANCE_HINT_NUM_REQUESTS');
  t.same(throughput.inputs, [{ name: 'x', shape: [1, 8], elementType: 'f32' }]);
  latency.dispose();
  throughput.dispose();
});

t.test('a corrupt IR gives OpenVinoError with OpenVINO\'s own message', async (t) => {
  const dir = t.testdir();
  const xml = path.join(dir, 'broken.xml');
  writeFileSync(xml, '<?xml version="1.0"?><net name="broken" version="11"><layers><layer id="0"');
  copyFileSync(models.xml('affine').replace(/\.xml$/, '.bin'), path.join(dir, 'broken.bin'));
  const error = t.throws(() => runtime.readModel(xml)) as OpenVinoError;
  t.type(error, OpenVinoError);
  t.equal(error.code, 'OPENVINO_ERROR');
  t.equal(error.status, -1);
  t.match(error.call, /ov_core_read_model/);
  t.match(error.message, /broken\.xml|parse|XML/i, 'carries the parser message, not just "GENERAL_ERROR"');
  t.notMatch(error.message, /^[^:]*: GENERAL_ERROR$/);
});

t.test('without ov_get_last_err_msg (OpenVINO 2022.3, simulated) the status text is the message', async (t) => {
  const api = runtime.library.api;
  const lastErrorMessage = api.ov_get_last_err_msg;
  t.ok(lastErrorMessage, 'the installed 2026 runtime has it');
  api.ov_get_last_err_msg = undefined;
  t.teardown(() => {
    api.ov_get_last_err_msg = lastErrorMessage;
  });
  t.throws(() => runtime.readModel('/nonexistent/model.xml'), {
    code: 'OPENVINO_ERROR',
    message: `ov_core_read_model(/nonexistent/model.xml) failed (status -1): ${api.ov_get_error_info(-1)}`,
  });
});

t.test('an unknown device fails to compile with OpenVINO\'s message', async (t) => {
  const model = runtime.readModel(models.xml('affine'));
  t.teardown(() => model.dispose());
  t.throws(() => model.compile('NO_SUCH_DEVICE'), { code: 'OPENVINO_ERROR', message: /NO_SUCH_DEVICE/ });
});

t.test('dispose is idempotent and use after dispose throws DisposedError', async (t) => {
  const model = runtime.readModel(models.xml('affine'));
  const compiled = model.compile('CPU');
  const request = compiled.createInferRequest();
  for (const object of [request, compiled, model]) {
    object.dispose();
    object.dispose();
    t.equal(object.disposed, true);
  }
  t.throws(() => model.inputs, DisposedError);
  t.throws(() => compiled.createInferRequest(), { code: 'OBJECT_DISPOSED', message: /CompiledModel/ });
  t.throws(() => request.setInput(new Float32Array(12)), { code: 'OBJECT_DISPOSED' });
  await t.rejects(() => request.infer(), { code: 'OBJECT_DISPOSED' });

  const other = Runtime.open();
  other.dispose();
  other.dispose();
  t.throws(() => other.availableDevices(), { code: 'OBJECT_DISPOSED', message: /Runtime/ });
});

const defaultDir = defaultModelDir();
t.test('reads the default model\'s frozen TensorFlow .pb directly', { skip: defaultDir ? false : 'models/default not built (run scripts/setup.sh)' }, async (t) => {
  const model = runtime.readModel(path.join(defaultDir ?? '', 'model.pb'));
  t.teardown(() => model.dispose());
  t.same(model.inputs[0]?.shape, [1, 299, 299, 3]);
  t.equal(model.outputs[0]?.shape.at(-1), 2);
});
