import t from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import type { ClassifyResponse } from '../../src/service/index.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { fixture } from '../support/fixtures.js';
import { openStickClassifier } from '../support/mocked-stick.js';
import { multipart } from '../support/multipart.js';

const config = loadConfig([], {}).config;
// Both pools compile the same IR: the second one loads it from this cache.
const cacheDir = t.testdir();

async function post(app: Awaited<ReturnType<typeof buildApp>>, name: 'all1' | 'hem1' | 'all2' | 'field' = 'hem1') {
  return app.inject({ method: 'POST', url: '/classify', ...(await multipart([fixture(name)])) });
}

t.test('queue full: one infer request, no queue, a burst -> 503 QUEUE_FULL with Retry-After, then 200 again', async (t) => {
  const classifier = await openCpuClassifier({ numRequests: 1, maxQueue: 0, cacheDir });
  t.teardown(() => classifier.close());
  const app = await buildApp(classifier, config, silentLogger);
  t.teardown(() => app.close());

  const burst = await Promise.all(Array.from({ length: 8 }, () => post(app)));
  const statuses = burst.map((r) => r.statusCode);
  t.ok(statuses.every((s) => s === 200 || s === 503), `only 200 and 503: ${statuses.join(',')}`);
  t.ok(statuses.includes(200), 'some got through');
  const rejected = burst.filter((r) => r.statusCode === 503);
  t.ok(rejected.length >= 1, 'some were refused');
  for (const r of rejected) {
    t.equal(r.json().code, 'QUEUE_FULL');
    t.equal(r.headers['retry-after'], '1');
  }
  // MAX_QUEUE bounds the wait for a decoder as well: most of the burst is refused before decoding.
  t.ok(classifier.stats().rejected <= rejected.length, 'the pool counted the refusals that reached it');
  t.equal((await post(app)).statusCode, 200, 'served again once the burst is over');
});

t.test('inference time-out -> 504 INFERENCE_TIMEOUT; a closed classifier -> 503 NOT_READY', async (t) => {
  const classifier = await openCpuClassifier({ timeoutMs: 1, cacheDir });
  t.teardown(() => classifier.close());
  const app = await buildApp(classifier, config, silentLogger);
  t.teardown(() => app.close());
  const res = await post(app);
  t.equal(res.statusCode, 504);
  t.equal(res.json().code, 'INFERENCE_TIMEOUT');
  t.match(res.json().message, /within 1 ms/);

  await classifier.close();
  const ready = await app.inject('/health/ready');
  t.equal(ready.statusCode, 503, 'not ready once the classifier is closed');
  t.equal(ready.json().code, 'NOT_READY');
  const refused = await post(app);
  t.equal(refused.statusCode, 503);
  t.equal(refused.json().code, 'NOT_READY');
  t.equal((await app.inject('/health/live')).statusCode, 200, 'still live');
});

t.test('inference failure (mocked: an NCS2 dropping off the bus mid-inference) -> 500 INFERENCE_FAILED, then 200', async (t) => {
  // Only the stick is mocked: the image is really decoded, and the stick's answers come from the real CPU.
  const { classifier, stick } = await openStickClassifier({ cacheDir });
  t.teardown(() => classifier.close());
  const app = await buildApp(classifier, config, silentLogger);
  t.teardown(() => app.close());

  stick.failing = true;
  const failed = await post(app);
  stick.failing = false;
  t.equal(failed.statusCode, 500);
  t.same(Object.keys(failed.json()).sort(), ['code', 'error', 'message', 'statusCode']);
  t.equal(failed.json().code, 'INFERENCE_FAILED');
  t.match(failed.json().message, /X_LINK_ERROR/);
  t.notMatch(failed.body, /at .*\.ts:\d+/, 'no stack trace');
  const ok = await post(app);
  t.equal(ok.statusCode, 200, 'one failure does not lose the stick');
  const body = ok.json() as ClassifyResponse;
  t.equal(body.device, 'MYRIAD');
  const reference = await openCpuClassifier({ cacheDir });
  t.teardown(() => reference.close());
  t.same(body.predictions[0]!.scores, (await reference.classify(fixture('hem1').bytes)).scores, "the stick's stand-in answers as the CPU does");
});
