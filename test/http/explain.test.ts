import sharp from 'sharp';
import t from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import type { ClassifyResponse, ExplainResponse } from '../../src/service/index.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { fixture } from '../support/fixtures.js';
import { multipart } from '../support/multipart.js';

const config = loadConfig([], {}).config;
const classifier = await openCpuClassifier();
t.teardown(() => classifier.close());
const app = await buildApp(classifier, config, silentLogger);
t.teardown(() => app.close());

const cell = fixture('all1');
// A coarse grid keeps the test short on a loaded machine: patch 100 stride 66 -> 4x4 + 1 = 17 inferences.
const COARSE = 'patch=100&stride=66';

t.test('POST /explain (JSON, multipart): prediction, grid and inference count on the real CPU', async (t) => {
  const res = await app.inject({ method: 'POST', url: `/explain?${COARSE}`, ...(await multipart([{ ...cell, type: 'image/bmp' }])) });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<ExplainResponse>();
  const { explanation: e, prediction } = body;
  t.same([e.method, e.patch, e.stride, e.rows, e.cols, e.inferences], ['occlusion', 100, 66, 4, 4, 17]);
  t.same(e.input, { width: 299, height: 299 });
  t.equal(e.grid.length, 4);
  for (const row of e.grid) t.equal(row.length, 4);
  t.ok(e.grid.flat().every((d) => Number.isFinite(d) && Math.abs(d) <= 1), 'each drop is a difference of two probabilities');
  t.ok(e.grid.flat().some((d) => d !== 0), 'hiding part of the cell changes the score');
  t.equal(e.label, prediction.label);
  t.equal(prediction.filename, cell.filename);
  t.equal(body.model.trained, false);

  const classified = (await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: cell.bytes })).json<ClassifyResponse>();
  t.same(prediction.scores, classified.predictions[0]!.scores, 'the unoccluded prediction equals /classify');
});

t.test('POST /explain with Accept: image/png: the crop with the heatmap over it', async (t) => {
  const res = await app.inject({ method: 'POST', url: `/explain?${COARSE}`, headers: { 'content-type': 'image/bmp', accept: 'image/png' }, payload: cell.bytes });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers['content-type'], 'image/png');
  t.equal(res.headers['x-explanation-inferences'], '17');
  t.match(res.headers['x-explanation-label'], /^(ALL|normal)$/);
  const meta = await sharp(res.rawPayload).metadata();
  t.same([meta.format, meta.width, meta.height], ['png', 598, 598], 'the 299x299 crop, shown at twice its size');
});

t.test('costs above EXPLAIN_MAX_INFERENCES and patches larger than the input are refused before any work', async (t) => {
  const costly = await app.inject({ method: 'POST', url: '/explain?patch=16&stride=8', headers: { 'content-type': 'image/bmp' }, payload: cell.bytes });
  t.equal(costly.statusCode, 400);
  t.equal(costly.json().code, 'EXPLANATION_TOO_COSTLY');
  t.match(costly.json().message, /36x36\+1 = 1297 inferences; at most 150/);
  const big = await app.inject({ method: 'POST', url: '/explain?patch=300', headers: { 'content-type': 'image/bmp' }, payload: cell.bytes });
  t.equal(big.statusCode, 400);
  t.equal(big.json().code, 'BAD_EXPLANATION');
  const none = await app.inject({ method: 'POST', url: '/explain', headers: { 'content-type': 'image/bmp' }, payload: Buffer.alloc(0) });
  t.equal(none.json().code, 'NO_IMAGE');
  t.equal(classifier.stats().active + classifier.stats().queued, 0);
});
