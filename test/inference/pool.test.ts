import { readdirSync } from 'node:fs';
import t, { type Test } from 'tap';
import {
  BackendNotReadyError,
  InferenceTimeoutError,
  NoDeviceError,
  OpenVinoBackend,
  OpenVinoDevices,
  OpenVinoError,
  QueueFullError,
  Runtime,
  type InferencePool,
  type InferenceSettings,
  type InputConversion,
} from '../../src/inference/index.js';
import { cpuSettings } from '../support/cpu-classifier.js';
import { oneIr, testModels, type TestModelName } from '../support/models/models.js';

const models = testModels();
const runtime = Runtime.open();
t.teardown(() => runtime.dispose());

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

interface PoolCase extends Partial<InferenceSettings> {
  inputConversion?: InputConversion;
  xml?: string;
}

/** The real runtime as a device source for one test model, logging into `lines`. */
function options(model: TestModelName, overrides: PoolCase = {}) {
  const lines: LogLine[] = [];
  const { inputConversion, xml, ...settings } = overrides;
  const full = cpuSettings({ maxQueue: 16, timeoutMs: 30_000, ...settings });
  const source = new OpenVinoDevices(runtime, {
    model: oneIr(xml ?? models.xml(model)),
    inputConversion,
    settings: full,
    logger: {
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
    },
  });
  return { source, devices: full.devices, lines };
}

type Options = ReturnType<typeof options>;

async function openPool(t: Test, opts: Options): Promise<InferencePool> {
  const pool = await opts.source.open(opts.devices);
  t.teardown(() => pool.close());
  return pool;
}

t.test('more jobs than requests: every result matches its own input (numpy reference)', async (t) => {
  const pool = await openPool(t, options('matmul', { numRequests: 3 }));
  t.equal(pool.numRequests, 3);
  t.equal(pool.device, 'CPU');
  t.same(pool.input, { name: 'x', shape: [1, 8], elementType: 'f32' });
  t.same(pool.output, { name: 'y', shape: [1, 3], elementType: 'f32' });
  const results = await Promise.all(models.matmulCases.map(({ input }) => pool.run(Float32Array.from(input))));
  results.forEach((result, i) => {
    const expected = models.matmulCases[i]?.output ?? [];
    const worst = Math.max(...expected.map((e, j) => Math.abs((result.output[j] ?? NaN) - e)));
    t.ok(worst < 1e-5, `job ${i}: max |error| ${worst} (f32 on the CPU by default)`);
    t.ok(result.queueMs >= 0 && result.inferMs >= 0);
  });
  t.match(pool.stats(), { queued: 0, active: 0, completed: models.matmulCases.length, failed: 0, rejected: 0, timedOut: 0, numRequests: 3, maxQueue: 16 });
});

t.test('default number of requests on the CPU: twice OPTIMAL_NUMBER_OF_INFER_REQUESTS (one queued per stream)', async (t) => {
  const latency = await openPool(t, options('affine', { performanceHint: 'LATENCY' }));
  t.equal(latency.numRequests, 2, 'LATENCY: one stream, two requests');
  const throughput = await openPool(t, options('affine'));
  t.ok(throughput.numRequests >= 2 && throughput.numRequests % 2 === 0, `THROUGHPUT: two per stream (${throughput.numRequests})`);
});

t.test('inputConversion: u8 NHWC in, (u8 - mean) / scale reaches the model', async (t) => {
  const pool = await openPool(t, options('affine', { inputConversion: { mean: 100, scale: 4, modelLayout: 'NHWC' } }));
  t.equal(pool.input.elementType, 'u8');
  const pixels = Uint8Array.from([0, 4, 8, 96, 100, 104, 200, 255, 1, 2, 3, 250]);
  const { output } = await pool.run(pixels);
  t.same([...output], [...pixels].map((p) => 2 * ((p - 100) / 4) + 1));
  await t.rejects(pool.run(new Float32Array(12)), { code: 'INPUT_SIZE_MISMATCH' });
  await t.rejects(pool.run(new Uint8Array(13)), { code: 'INPUT_SIZE_MISMATCH', message: /needs 12 bytes, got 13/ });
});

t.test('inputConversion to an NCHW model: OpenVINO transposes the NHWC u8 tensor', async (t) => {
  const pool = await openPool(
    t,
    options('affine_nchw', { inputConversion: { mean: 0, scale: 1, modelLayout: 'NCHW' } }),
  );
  t.same(pool.input.shape, [1, 2, 2, 3], 'the caller feeds NHWC');
  t.same(pool.output.shape, [1, 3, 2, 2], 'the model computes NCHW');
  const pixels = Uint8Array.from({ length: 12 }, (_, i) => i * 10); // pixel (h,w) channel c at (h*2+w)*3+c
  const { output } = await pool.run(pixels);
  const expected = Array.from({ length: 12 }, (_, i) => {
    const [c, hw] = [Math.floor(i / 4), i % 4];
    return 2 * (pixels[hw * 3 + c] ?? NaN) + 1;
  });
  t.same([...output], expected);
});

t.test('queue full: jobs beyond requests + maxQueue are rejected at once', async (t) => {
  const pool = await openPool(t, options('slow', { numRequests: 1, maxQueue: 2 }));
  const input = new Float32Array(512 * 1024);
  const accepted = [pool.run(input), pool.run(input), pool.run(input)];
  t.match(pool.stats(), { active: 1, queued: 2 });
  await t.rejects(pool.run(input), QueueFullError);
  await t.rejects(pool.run(input), { code: 'QUEUE_FULL', message: /2 waiting/ });
  await Promise.all(accepted);
  t.match(pool.stats(), { completed: 3, rejected: 2, queued: 0, active: 0 });
});

t.test('timeouts: a queued job is removed, a running one is rejected and its request comes back', async (t) => {
  const pool = await openPool(t, options('slow', { numRequests: 1, timeoutMs: 5 }));
  const input = new Float32Array(512 * 1024);
  const running = pool.run(input);
  const queued = pool.run(input);
  await t.rejects(running, { code: 'INFERENCE_TIMEOUT', message: /while running/ });
  await t.rejects(queued, InferenceTimeoutError);
  await t.rejects(queued, { message: /while queued/ });
  t.match(pool.stats(), { timedOut: 2, queued: 0 });
  await pool.close(); // resolves only once the running request has returned to the pool
  t.match(pool.stats(), { active: 0, completed: 0, timedOut: 2 });
});

t.test('device priority: unlisted and failing devices fall through to the CPU, with reasons logged', async (t) => {
  const opts = options('affine', { devices: ['MYRIAD', 'HETERO:NO_SUCH_DEVICE', 'CPU'] });
  const pool = await openPool(t, opts);
  t.equal(pool.device, 'CPU');
  t.match(pool.fallbacks, [
    { device: 'MYRIAD', reason: /not listed by OpenVINO \(available: .*CPU/ },
    { device: 'HETERO:NO_SUCH_DEVICE', reason: /NO_SUCH_DEVICE/ },
  ]);
  t.equal(pool.fallbacks.length, 2);
  t.same(
    opts.lines.filter((l) => l.level === 'warn').map((l) => (l.obj as { device: string }).device),
    ['MYRIAD', 'HETERO:NO_SUCH_DEVICE'],
  );
  t.match(opts.lines.at(-1), { level: 'info', msg: /ready on CPU/ });
});

t.test('mocked stick: a listed MYRIAD that fails to compile falls through to the CPU', async (t) => {
  // No NCS2 here: pretend the runtime lists one, so the real compile attempt fails in OpenVINO.
  const listed = t.capture(runtime, 'availableDeviceNames', () => ['CPU', 'MYRIAD.1.1-ma2480']);
  const pool = await openPool(t, options('affine', { devices: ['MYRIAD', 'CPU'] }));
  t.equal(listed.calls.length, 1);
  t.equal(pool.device, 'CPU');
  t.match(pool.fallbacks, [{ device: 'MYRIAD', reason: /ov_core_compile_model\(MYRIAD\) failed.*MYRIAD/s }]);
});

t.test('properties the device does not list are dropped, not fatal (mocked 2022.3 ARM CPU plugin)', async (t) => {
  const real = runtime.deviceProperty.bind(runtime);
  t.capture(runtime, 'deviceProperty', (device: string, key: string) =>
    key === 'SUPPORTED_PROPERTIES' ? 'SUPPORTED_PROPERTIES FULL_DEVICE_NAME PERFORMANCE_HINT' : real(device, key),
  );
  const cacheDir = t.testdir();
  const opts = options('affine', { numRequests: 2, cacheDir });
  const pool = await openPool(t, opts);
  t.equal(pool.device, 'CPU');
  t.ok(readdirSync(cacheDir).some((f) => f.endsWith('.blob')), 'CACHE_DIR (core-level) is kept: a compiled blob was written');
  t.match(
    opts.lines.find((l) => 'dropped' in l.obj),
    { level: 'info', obj: { device: 'CPU', dropped: ['PERFORMANCE_HINT_NUM_REQUESTS', 'INFERENCE_PRECISION_HINT'] } },
  );
  t.equal(pool.numRequests, 2);
});

t.test('no usable device: NoDeviceError lists each device with its reason', async (t) => {
  const opts = options('affine', { devices: ['MYRIAD', 'GPU.7'] });
  const error = (await t.rejects(opts.source.open(opts.devices), NoDeviceError)) as unknown;
  t.match(error, { code: 'NO_DEVICE', reasons: [{ device: 'MYRIAD' }, { device: 'GPU.7' }], message: /MYRIAD: not listed.*GPU\.7: not listed/ });
});

t.test('a corrupt model file is a reason per device, carrying OpenVINO\'s message', async (t) => {
  const opts = options('affine', { xml: '/nonexistent/model.xml' });
  const error = (await t.rejects(opts.source.open(opts.devices), NoDeviceError)) as NoDeviceError;
  t.match(error.reasons, [{ device: 'CPU', reason: /ov_core_read_model.*Could not open the file/s }]);
});

t.test('invalid settings are refused, every problem named, and the runtime freed', async (t) => {
  const own = Runtime.open();
  const settings = cpuSettings({ numRequests: 0, maxQueue: -1, timeoutMs: 0 });
  await t.rejects(OpenVinoBackend.open(new OpenVinoDevices(own, { model: oneIr(models.xml('affine')), settings }), settings), {
    code: 'INVALID_SETTINGS',
    message: /numRequests.*maxQueue.*timeoutMs/,
  });
  t.equal(own.disposed, true);
});

t.test('inference failures: each fails its job; enough in a row stop the pool', async (t) => {
  const opts = options('reshape_fail', { numRequests: 1 });
  const pool = await openPool(t, opts);
  // A distinct bad shape each time: the CPU plugin caches shape inference for a repeated input.
  const bad = (n: number) => Float32Array.from([n, n]);
  const good = Float32Array.from([2, 2]);
  await t.rejects(pool.run(bad(3)), OpenVinoError);
  await t.rejects(pool.run(bad(5)), { code: 'OPENVINO_ERROR', message: /reshape/i });
  t.same([...(await pool.run(good)).output], [0, 1, 2, 3], 'a success resets the count');
  t.equal(pool.accepting, true);
  const burst = [pool.run(bad(6)), pool.run(bad(7)), pool.run(bad(8)), pool.run(good)];
  const settled = await Promise.allSettled(burst);
  t.same(
    settled.map((s) => (s.status === 'rejected' ? (s.reason as { code: string }).code : 'ok')),
    ['OPENVINO_ERROR', 'OPENVINO_ERROR', 'OPENVINO_ERROR', 'BACKEND_NOT_READY'],
    'the queued job fails once the device is taken as lost',
  );
  t.equal(pool.accepting, false);
  await t.rejects(pool.run(good), { code: 'BACKEND_NOT_READY', message: /failed 3 inferences in a row/ });
  t.match(pool.stats(), { failed: 5, completed: 1, rejected: 2 });
  t.match(opts.lines.at(-1), { level: 'warn', msg: /failed 3 inferences in a row/ });
  t.match(await pool.deviceLost, /^CPU failed 3 inferences in a row, last: .*reshape/is, 'deviceLost says why');
});

t.test('close() drains queued and running jobs, then refuses work; it is idempotent', async (t) => {
  const opts = options('matmul', { numRequests: 1 });
  const pool = await opts.source.open(opts.devices);
  const jobs = models.matmulCases.slice(0, 5).map(({ input }) => pool.run(Float32Array.from(input)));
  const closing = pool.close();
  t.equal(pool.accepting, false);
  await t.rejects(pool.run(new Float32Array(8)), BackendNotReadyError);
  const results = await Promise.all(jobs);
  t.equal(results.length, 5, 'work accepted before close() completes');
  await closing;
  await pool.close();
  t.match(pool.stats(), { completed: 5, rejected: 1, active: 0, queued: 0 });
  const notLost = Symbol('pending');
  t.equal(await Promise.race([pool.deviceLost, Promise.resolve(notLost)]), notLost, 'closing is not losing the device');
});
