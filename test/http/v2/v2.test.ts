import t from 'tap';
import { loadConfig } from '../../../src/config/index.js';
import { buildApp } from '../../../src/http/app.js';
import { openCpuClassifier, silentLogger } from '../../support/cpu-classifier.js';
import { fixture } from '../../support/fixtures.js';

const config = loadConfig([], {}).config;
const classifier = await openCpuClassifier();
t.teardown(() => classifier.close());
const app = await buildApp(classifier, config, silentLogger);
t.teardown(() => app.close());
const MODEL = classifier.model.manifest.name;
const infer = `/v2/models/${MODEL}/infer`;

/** tritonclient's framing of BYTES elements in binary: a 4-byte little-endian length, then the bytes. */
function framed(...elements: Buffer[]): Buffer {
  return Buffer.concat(elements.flatMap((e) => [Buffer.from(Uint32Array.of(e.length).buffer), e]));
}

/** A binary-extension request: the JSON header, then the raw input. */
function binaryRequest(header: object, data: Buffer) {
  const json = Buffer.from(JSON.stringify(header));
  return { method: 'POST' as const, url: infer, headers: { 'inference-header-content-length': String(json.length) }, payload: Buffer.concat([json, data]) };
}

const reference = await classifier.classify(fixture('all1').bytes);
const expected = classifier.model.manifest.labels.map((l) => reference.scores[l]!);

t.test('an image as BYTES, in binary, with binary scores asked for: /classify\'s scores, the id echoed', async (t) => {
  const image = framed(fixture('all1').bytes);
  const res = await app.inject(
    binaryRequest(
      { id: 'r-1', inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: image.length } }], parameters: { binary_data_output: true } },
      image,
    ),
  );
  t.equal(res.statusCode, 200);
  const headerLength = Number(res.headers['inference-header-content-length']);
  const header = JSON.parse(res.rawPayload.subarray(0, headerLength).toString()) as { id: string; outputs: { shape: number[]; parameters: { binary_data_size: number } }[] };
  t.equal(header.id, 'r-1');
  t.same(header.outputs[0]!.shape, [1, 2]);
  const data = res.rawPayload.subarray(headerLength);
  t.equal(data.length, header.outputs[0]!.parameters.binary_data_size);
  const scores = new Float32Array(new Uint8Array(data).buffer);
  t.same([...scores], expected.map((s) => Math.fround(s)));
});

t.test('an unframed single image (as some OVMS samples send it) is taken too', async (t) => {
  const image = fixture('all1').bytes;
  const res = await app.inject(binaryRequest({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: image.length } }] }, image));
  t.equal(res.statusCode, 200);
  t.same(res.json().outputs[0].data, expected.map((s) => Math.fround(s)));
});

t.test('bad requests: the protocol\'s {"error"} with the catalog\'s status', async (t) => {
  const cases = [
    { payload: 'not json', status: 400, error: /not JSON/ },
    { payload: JSON.stringify({ inputs: [] }), status: 400, error: /inputs/ },
    { payload: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 299, 299, 3], datatype: 'INT64', data: [] }] }), status: 400, error: /datatype INT64/ },
    { payload: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 299, 299, 3], datatype: 'FP32', data: [1, 2] }] }), status: 400, error: /2 values/ },
    { payload: JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [Buffer.from('nope').toString('base64')] }] }), status: 415, error: /image/ },
    { payload: JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: ['x'] }], outputs: [{ name: 'logits' }] }), status: 400, error: /no output "logits"/ },
  ];
  for (const c of cases) {
    const res = await app.inject({ method: 'POST', url: infer, payload: c.payload });
    t.equal(res.statusCode, c.status, c.payload.slice(0, 60));
    t.match(res.json(), { error: c.error });
    t.same(Object.keys(res.json()), ['error']);
  }
  const past = await app.inject(binaryRequest({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 99 } }] }, Buffer.alloc(3)));
  t.equal(past.statusCode, 400);
  t.match(past.json(), { error: /runs past/ });
  t.equal((await app.inject(`/v2/models/nope`)).statusCode, 404);
  t.match((await app.inject(`/v2/models/${MODEL}/versions/2/ready`)).json(), { error: /no version "2"/ });
  t.same((await app.inject('/v2/nothing')).json(), { error: 'no route GET /v2/nothing' });
});

t.test('FP32 off the u8 grid and out of range is refused; NaN too', async (t) => {
  const size = classifier.tensorSize;
  const values = new Float32Array(size).fill(2);
  const res = await app.inject(binaryRequest({ inputs: [{ name: 'input', shape: [1, 299, 299, 3], datatype: 'FP32', parameters: { binary_data_size: size * 4 } }] }, Buffer.from(values.buffer)));
  t.equal(res.statusCode, 400);
  t.match(res.json(), { error: /FP32 values must lie in \[-1, 1\]/ });
});

t.test('the prediction metrics carry the model and version', async (t) => {
  const metrics = await app.inject('/metrics');
  t.match(metrics.body, new RegExp(`leukoserve_infer_seconds_count\\{model="${MODEL}",version="1"\\} \\d+`));
  t.match(metrics.body, /leukoserve_model_info\{model="leukoserve-inception-v3",version="1",name="leukoserve-inception-v3",manifest_version="[^"]+",trained="false"\} 1/);
});
