import t from 'tap';
import { ConfigError, formatOptionsHelp, loadConfig } from '../../src/config/index.js';

t.test('defaults when nothing is given', async (t) => {
  const { config } = loadConfig([], {});
  t.same(config, {
    port: 8080,
    host: '127.0.0.1',
    modelDir: 'models/default',
    repositoryPollMs: 2000,
    devices: ['MYRIAD', 'CPU'],
    maxQueue: 64,
    requestTimeoutMs: 30000,
    maxFileBytes: 20 * 1024 * 1024,
    maxFiles: 16,
    maxPixels: 40_000_000,
    performanceHint: 'THROUGHPUT',
    cpuPrecision: 'f32',
    autoMaxScoreDelta: 0.01,
    autoMinLabelAgreement: 1,
    failbackIntervalMs: 10_000,
    decodeTimeoutMs: 10_000,
    acceptDamagedImages: false,
    headersTimeoutMs: 10_000,
    uploadTimeoutMs: 60_000,
    idleTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    metricsAuth: false,
    rateLimitMax: 0,
    rateLimitWindowMs: 60_000,
    tta: 'off',
    explainMaxInferences: 150,
    logLevel: 'info',
  });
  t.equal(config.apiKeys, undefined, 'no API key: the API is open, as before');
  t.equal(config.corsOrigins, undefined, 'no CORS origin');
  t.equal(config.numRequests, undefined, 'NUM_REQUESTS unset: the runtime picks');
  t.equal(config.cacheDir, undefined);
});

t.test('environment variables, and flags over them', async (t) => {
  const env = { PORT: '9000', DEVICE: 'CPU', NUM_REQUESTS: '3', CACHE_DIR: '/tmp/c', HOST: '' };
  const fromEnv = loadConfig([], env).config;
  t.equal(fromEnv.port, 9000);
  t.same(fromEnv.devices, ['CPU']);
  t.equal(fromEnv.numRequests, 3);
  t.equal(fromEnv.cacheDir, '/tmp/c');
  t.equal(fromEnv.host, '127.0.0.1', 'an empty variable counts as unset');

  const both = loadConfig(['--port', '8081', '--device=GPU,CPU', '--log-level', 'warn'], env).config;
  t.equal(both.port, 8081, '--port beats PORT');
  t.same(both.devices, ['GPU', 'CPU']);
  t.equal(both.logLevel, 'warn');
});

t.test('performance hint and CPU precision: named values only', async (t) => {
  const { config } = loadConfig(['--performance-hint', 'LATENCY'], { CPU_PRECISION: 'bf16' });
  t.equal(config.performanceHint, 'LATENCY');
  t.equal(config.cpuPrecision, 'bf16');
  t.throws(() => loadConfig([], { PERFORMANCE_HINT: 'FAST', CPU_PRECISION: 'f16' }), {
    code: 'INVALID_CONFIG',
    message: /PERFORMANCE_HINT.*THROUGHPUT.*LATENCY[\s\S]*CPU_PRECISION.*f32.*bf16/,
  });
});

t.test('a device list with a MULTI device uses ";" between entries', async (t) => {
  const { config } = loadConfig(['--device', 'MULTI:MYRIAD.1.1-ma2480,MYRIAD.1.2-ma2480; CPU'], {});
  t.same(config.devices, ['MULTI:MYRIAD.1.1-ma2480,MYRIAD.1.2-ma2480', 'CPU']);
});

t.test('every bad value is reported, naming variable, flag, origin and value', async (t) => {
  const error = t.throws(() => loadConfig(['--max-files', '0'], { PORT: 'eighty', LOG_LEVEL: 'loud', DEVICE: ',' })) as ConfigError;
  t.type(error, ConfigError);
  t.equal(error.code, 'INVALID_CONFIG');
  t.equal(error.problems.length, 4);
  t.match(error.problems[0], /^PORT \/ --port \(from PORT\) = "eighty": expected a whole number/);
  t.match(error.problems.find((p) => p.startsWith('DEVICE')), /at least one device/);
  t.match(error.problems.find((p) => p.startsWith('MAX_FILES')), /from --max-files\) = "0": .*>=1/);
  t.match(error.problems.find((p) => p.startsWith('LOG_LEVEL')), /"loud": .*"info"/);
  t.match(error.message, /^invalid configuration:\n {2}PORT/);
});

t.test('out-of-range port and unknown flags', async (t) => {
  t.throws(() => loadConfig(['--port', '70000'], {}), { code: 'INVALID_CONFIG', message: /PORT .*"70000": .*65535/ });
  t.throws(() => loadConfig(['--prot', '1'], {}), { code: 'INVALID_CONFIG', message: /Unknown option '--prot'/ });
  t.throws(() => loadConfig(['stray'], {}), { code: 'INVALID_CONFIG', message: /positional/ });
});

t.test('command shapes: aliases, booleans, positionals, --help', async (t) => {
  const line = loadConfig(['a.jpg', '--model', 'models/x', '--json', 'b.bmp'], {}, { booleans: ['json'], aliases: { model: 'modelDir' }, allowPositionals: true });
  t.same(line.positionals, ['a.jpg', 'b.bmp']);
  t.equal(line.config.modelDir, 'models/x');
  t.same(line.booleans, { json: true });
  t.equal(line.help, false);
  t.equal(loadConfig(['--help'], {}).help, true);
});

t.test('--help lists every setting with its variable and default', async (t) => {
  const help = formatOptionsHelp();
  for (const [flag, env, value] of [
    ['--port', 'PORT', '8080'],
    ['--host', 'HOST', '127.0.0.1'],
    ['--model-dir', 'MODEL_DIR', 'models/default'],
    ['--device', 'DEVICE', 'MYRIAD,CPU'],
    ['--num-requests', 'NUM_REQUESTS', '(unset)'],
    ['--max-queue', 'MAX_QUEUE', '64'],
    ['--request-timeout-ms', 'REQUEST_TIMEOUT_MS', '30000'],
    ['--max-file-bytes', 'MAX_FILE_BYTES', '20971520'],
    ['--max-files', 'MAX_FILES', '16'],
    ['--max-pixels', 'MAX_PIXELS', '40000000'],
    ['--log-level', 'LOG_LEVEL', 'info'],
    ['--cache-dir', 'CACHE_DIR', '(unset)'],
  ] as const) {
    t.match(help, new RegExp(`${flag} <value>\\s+${env}\\s+default ${value.replace(/[()]/g, '\\$&')}\\s`), flag);
  }
});

t.test('access control settings: key and origin lists, and a bad API_KEYS value is never echoed', async (t) => {
  const { config } = loadConfig([], {
    API_KEYS: ' first-key-0123456789 , second-key-0123456789,',
    CORS_ORIGINS: 'http://lab-pc.local:3000,https://notebook.lab',
    METRICS_AUTH: 'true',
    RATE_LIMIT_MAX: '120',
  });
  t.same(config.apiKeys, ['first-key-0123456789', 'second-key-0123456789']);
  t.same(config.corsOrigins, ['http://lab-pc.local:3000', 'https://notebook.lab']);
  t.equal(config.metricsAuth, true);
  t.equal(config.rateLimitMax, 120);

  const error = t.throws(() => loadConfig([], { API_KEYS: ', ,' })) as ConfigError;
  t.match(error.message, /API_KEYS \/ --api-keys \(from API_KEYS\) = \(hidden\): expected at least one key/);
  t.throws(() => loadConfig([], { CORS_ORIGINS: 'http://lab-pc.local:3000/path' }), /CORS_ORIGINS.*expected origins like/);
});
