import t, { type Test } from 'tap';
import { InputSizeError, OpenVinoError, Runtime } from '../../../src/inference/index.js';
import { testModels } from '../../support/models/models.js';

const models = testModels();
const runtime = Runtime.open();
t.teardown(() => runtime.dispose());

function closeTo(t: Test, actual: Float32Array, expected: readonly number[], tolerance: number, what: string) {
  t.equal(actual.length, expected.length, `${what}: length`);
  const worst = Math.max(...expected.map((e, i) => Math.abs((actual[i] ?? NaN) - e)));
  t.ok(worst <= tolerance, `${what}: max |error| ${worst} <= ${tolerance}`);
}

// f32 explicitly: on CPUs with AVX512-BF16 the CPU plugin defaults to bf16 (errors ~5e-3).
t.test('matmul results equal numpy\'s', async (t) => {
  const model = runtime.readModel(models.xml('matmul'));
  const compiled = model.compile('CPU', { INFERENCE_PRECISION_HINT: 'f32' });
  const request = compiled.createInferRequest();
  t.teardown(() => [request, compiled, model].forEach((o) => o.dispose()));
  t.ok(models.matmulCases.length >= 16);
  for (const [i, { input, output }] of models.matmulCases.entries()) {
    request.setInput(Float32Array.from(input));
    await request.infer();
    closeTo(t, request.readOutput(), output, 1e-5, `case ${i}`);
  }
});

t.test('u8 input conversion: the model sees (u8 - mean) / scale', async (t) => {
  const model = runtime.readModel(models.xml('affine'));
  model.applyPrePostProcessing({ input: { tensorElementType: 'u8', tensorLayout: 'NHWC', modelLayout: 'NHWC', mean: 127.5, scale: 127.5 } });
  const compiled = model.compile('CPU', { INFERENCE_PRECISION_HINT: 'f32' });
  const request = compiled.createInferRequest();
  t.teardown(() => [request, compiled, model].forEach((o) => o.dispose()));
  t.same(request.inputPort, { name: 'x', shape: [1, 2, 2, 3], elementType: 'u8' });
  const pixels = Uint8Array.from([0, 1, 17, 64, 100, 127, 128, 150, 200, 230, 254, 255]);
  request.setInput(pixels);
  await request.infer();
  // affine computes 2x + 1
  closeTo(t, request.readOutput(), [...pixels].map((p) => 2 * ((p - 127.5) / 127.5) + 1), 1e-6, 'converted');
});

t.test('input of the wrong type or size is refused before it reaches OpenVINO', async (t) => {
  const model = runtime.readModel(models.xml('affine'));
  const compiled = model.compile('CPU');
  const request = compiled.createInferRequest();
  t.teardown(() => [request, compiled, model].forEach((o) => o.dispose()));
  t.throws(() => request.setInput(new Float32Array(11)), { code: 'INPUT_SIZE_MISMATCH', message: /needs 48 bytes, got 44/ });
  t.throws(() => request.setInput(new Uint8Array(48)), InputSizeError, 'u8 bytes into an f32 input');
});

t.test('a failing inference rejects with OpenVINO\'s message and the request stays usable', async (t) => {
  const model = runtime.readModel(models.xml('reshape_fail'));
  const compiled = model.compile('CPU');
  const request = compiled.createInferRequest();
  t.teardown(() => [request, compiled, model].forEach((o) => o.dispose()));
  request.setInput(Float32Array.from([3, 3]));
  const error = (await t.rejects(request.infer(), OpenVinoError)) as unknown;
  t.match(error, { code: 'OPENVINO_ERROR', status: -1, message: /reshape/i });
  request.setInput(Float32Array.from([2, 2]));
  await request.infer();
  t.same([...request.readOutput()], [0, 1, 2, 3]);
});

t.test('a second infer() on a busy request is refused; dispose while busy waits for the result', async (t) => {
  const model = runtime.readModel(models.xml('slow'));
  const compiled = model.compile('CPU');
  const request = compiled.createInferRequest();
  t.teardown(() => [compiled, model].forEach((o) => o.dispose()));
  const running = request.infer();
  t.equal(request.busy, true);
  await t.rejects(request.infer(), { code: 'REQUEST_BUSY' });
  request.dispose();
  t.equal(request.disposed, false, 'freed only once the native inference returns');
  await running;
  t.equal(request.disposed, true);
});
