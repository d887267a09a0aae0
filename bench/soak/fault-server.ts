/**
 * The soak's server under faults: leukoserve's app and real backend over a MockedStick (no stick can be
 * plugged in here) in front of the real CPU, in its own process so its RSS is its own. The parent
 * drives the stick over IPC: 'fail' (its inferences fail, as when pulled mid-batch, then it is no
 * longer listed), 'recover' (listed and working again: the backend fails back).
 */
import { loadConfig } from '../../src/config/index.js';
import { createServiceLogger } from '../../src/http/logger.js';
import { startServer } from '../../src/http/server.js';
import { openStickClassifier } from '../../test/support/mocked-stick.js';

export type StickCommand = 'fail' | 'recover' | 'stop';

const { config } = loadConfig(['--port', '0'], process.env);
const logger = createServiceLogger(config.logLevel);
const { classifier, stick } = await openStickClassifier(
  { maxQueue: config.maxQueue, timeoutMs: config.requestTimeoutMs, failbackIntervalMs: config.failbackIntervalMs, ...(config.cacheDir ? { cacheDir: config.cacheDir } : {}) },
  logger,
);
const server = await startServer(classifier, config, logger);
process.send!({ url: server.url });
process.on('message', (command: StickCommand) => {
  if (command === 'fail') {
    stick.failing = true;
    setTimeout(() => (stick.plugged = false), 500).unref(); // then it drops off the bus
  } else if (command === 'recover') {
    stick.failing = false;
    stick.plugged = true;
  } else {
    void server.close().then(() => process.exit(0));
  }
});
