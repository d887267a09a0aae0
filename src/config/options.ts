import { z } from 'zod';
import { CPU_PRECISIONS, INFERENCE_DEFAULTS, PERFORMANCE_HINTS } from '../inference/settings.js';
import { TTA_MODES } from '../service/tta.js';

const MiB = 1024 * 1024;

/** A decimal integer written as a string (env vars and flags are strings). */
function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * The device priority list. Entries are separated by ","; when the list holds a ";", entries are
 * separated by ";" only, so a virtual device with its own comma list stays whole:
 * "MULTI:MYRIAD.1-ma2480,MYRIAD.3-ma2480;CPU".
 */
const deviceList = z
  .string()
  .transform((s) => (s.includes(';') ? s.split(';') : s.split(',')).map((d) => d.trim()).filter((d) => d !== ''))
  .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9_]*([.:][\w.,:-]+)?$/, 'expected device names like MYRIAD or CPU')).min(1, 'expected at least one device'));

/** A number in [0, 1] written as a string. */
const fraction = z
  .string()
  .regex(/^(0|1|0?\.\d+|1\.0*)$/, 'expected a number from 0 to 1')
  .transform(Number)
  .pipe(z.number().min(0).max(1));
/** A comma-separated list, blanks dropped. */
const commaList = z.string().transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''));

const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Browser origins as a browser sends them: scheme://host[:port], nothing after. */
const origin = z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, 'expected origins like http://lab-pc.local:3000');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Every setting: its environment variable, its --flag, its default (as the string a user would type)
 * and the schema that turns the string into a value. The one table that loading and --help read.
 */
export const OPTIONS = {
  port: { env: 'PORT', flag: 'port', default: '8080', schema: integer(0, 65535), help: 'TCP port to listen on (0 = any free port)' },
  host: { env: 'HOST', flag: 'host', default: '127.0.0.1', schema: z.string().min(1), help: 'address to bind; the container sets 0.0.0.0' },
  modelDir: { env: 'MODEL_DIR', flag: 'model-dir', default: 'models/default', schema: z.string().min(1), help: 'directory holding manifest.json and the IR files' },
  modelRepository: {
    env: 'MODEL_REPOSITORY',
    flag: 'model-repository',
    default: undefined,
    schema: z.string().min(1),
    help: 'watched model repository <name>/<version>/manifest.json (as OVMS lays it out); replaces MODEL_DIR',
  },
  modelName: { env: 'MODEL_NAME', flag: 'model-name', default: undefined, schema: z.string().min(1), help: "the repository's model /classify serves (default: the first by name)" },
  repositoryPollMs: {
    env: 'REPOSITORY_POLL_MS',
    flag: 'repository-poll-ms',
    default: '2000',
    schema: integer(0),
    help: 'how often the model repository is rescanned besides file-system events; 0 = events only',
  },
  devices: { env: 'DEVICE', flag: 'device', default: INFERENCE_DEFAULTS.devices.join(','), schema: deviceList, help: 'device priority list, first listed by the runtime and compiling wins; use ";" between entries when one is MULTI:a,b' },
  numRequests: { env: 'NUM_REQUESTS', flag: 'num-requests', default: undefined, schema: integer(1, 256), help: "parallel infer requests (default: the device's OPTIMAL_NUMBER_OF_INFER_REQUESTS, twice it on the CPU)" },
  maxQueue: { env: 'MAX_QUEUE', flag: 'max-queue', default: String(INFERENCE_DEFAULTS.maxQueue), schema: integer(0, 100_000), help: 'images waiting for a free infer request; more are refused with 503 QUEUE_FULL' },
  requestTimeoutMs: { env: 'REQUEST_TIMEOUT_MS', flag: 'request-timeout-ms', default: String(INFERENCE_DEFAULTS.timeoutMs), schema: integer(1), help: 'per image: queue wait + inference, then 504 INFERENCE_TIMEOUT' },
  maxFileBytes: { env: 'MAX_FILE_BYTES', flag: 'max-file-bytes', default: String(20 * MiB), schema: integer(1), help: 'largest accepted upload per image (20 MiB)' },
  maxFiles: { env: 'MAX_FILES', flag: 'max-files', default: '16', schema: integer(1, 1024), help: 'most images in one multipart request' },
  maxPixels: { env: 'MAX_PIXELS', flag: 'max-pixels', default: '40000000', schema: integer(1), help: 'most decoded pixels per image (40 MP; an ALL-IDB1 field is 5 MP)' },
  decodeTimeoutMs: { env: 'DECODE_TIMEOUT_MS', flag: 'decode-timeout-ms', default: '10000', schema: integer(1), help: 'longest one image may take to decode, then 422 IMAGE_DECODE_TIMEOUT' },
  maxConcurrentDecodes: {
    env: 'MAX_CONCURRENT_DECODES',
    flag: 'max-concurrent-decodes',
    default: undefined,
    schema: integer(1, 64),
    help: 'images decoded at once (default: the infer requests plus one, at most 3); more wait in a queue of MAX_QUEUE',
  },
  acceptDamagedImages: {
    env: 'ACCEPT_DAMAGED_IMAGES',
    flag: 'accept-damaged-images',
    default: 'false',
    schema: boolean,
    help: 'classify images that decode with damage (a corrupt JPEG scan) with a warning, instead of 422 CORRUPT_IMAGE',
  },
  performanceHint: { env: 'PERFORMANCE_HINT', flag: 'performance-hint', default: INFERENCE_DEFAULTS.performanceHint, schema: z.enum(PERFORMANCE_HINTS), help: "OpenVINO's hint: THROUGHPUT (streams, best under load) or LATENCY (one request uses every core)" },
  cpuPrecision: {
    env: 'CPU_PRECISION',
    flag: 'cpu-precision',
    default: INFERENCE_DEFAULTS.cpuPrecision,
    schema: z.enum(CPU_PRECISIONS),
    help: `CPU inference precision (${CPU_PRECISIONS.join(' | ')}): f32 matches TensorFlow; bf16 (AVX512-BF16/AMX) and int8 (the INT8 IR) are faster; auto takes the fastest the CPU supports whose agreement with f32 in the manifest meets AUTO_MAX_SCORE_DELTA and AUTO_MIN_LABEL_AGREEMENT, else f32`,
  },
  autoMaxScoreDelta: {
    env: 'AUTO_MAX_SCORE_DELTA',
    flag: 'auto-max-score-delta',
    default: String(INFERENCE_DEFAULTS.autoMaxScoreDelta),
    schema: fraction,
    help: "CPU_PRECISION=auto: most max |delta score| against f32 (the manifest's agreement) a faster precision may have",
  },
  autoMinLabelAgreement: {
    env: 'AUTO_MIN_LABEL_AGREEMENT',
    flag: 'auto-min-label-agreement',
    default: String(INFERENCE_DEFAULTS.autoMinLabelAgreement),
    schema: fraction,
    help: "CPU_PRECISION=auto: least fraction of labels equal to f32's (the manifest's agreement) a faster precision must have",
  },
  failbackIntervalMs: {
    env: 'FAILBACK_INTERVAL_MS',
    flag: 'failback-interval-ms',
    default: String(INFERENCE_DEFAULTS.failbackIntervalMs),
    schema: integer(0),
    help: 'how often a device above the serving one is looked for (a stick plugged in again); 0 = never',
  },
  // Connection time limits: what a slow or stalled client may hold. Generous for a lab LAN (Wi-Fi included).
  headersTimeoutMs: {
    env: 'HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    default: '10000',
    schema: integer(1000),
    help: 'longest a client may take to send its request headers, then 408 REQUEST_TIMEOUT and the connection closed (slowloris guard)',
  },
  uploadTimeoutMs: {
    env: 'UPLOAD_TIMEOUT_MS',
    flag: 'upload-timeout-ms',
    default: '60000',
    schema: integer(1000),
    help: 'longest a client may take to send a whole request, body included, then 408 REQUEST_TIMEOUT and the connection closed; raise it for big batches over slow links',
  },
  idleTimeoutMs: {
    env: 'IDLE_TIMEOUT_MS',
    flag: 'idle-timeout-ms',
    default: '120000',
    schema: integer(1000),
    help: 'a connection silent both ways this long is closed; keep it above REQUEST_TIMEOUT_MS + DECODE_TIMEOUT_MS, the longest an answer may take',
  },
  keepAliveTimeoutMs: {
    env: 'KEEP_ALIVE_TIMEOUT_MS',
    flag: 'keep-alive-timeout-ms',
    default: '5000',
    schema: integer(1),
    help: 'how long an idle keep-alive connection stays open after a response',
  },
  apiKeys: {
    env: 'API_KEYS',
    flag: 'api-keys',
    default: undefined,
    secret: true,
    schema: commaList.pipe(z.array(z.string()).min(1, 'expected at least one key')),
    help: 'comma-separated API keys: every route but /health/* (and /metrics) then needs `Authorization: Bearer <key>`; prefer API_KEYS_FILE',
  },
  apiKeysFile: {
    env: 'API_KEYS_FILE',
    flag: 'api-keys-file',
    default: undefined,
    schema: z.string().min(1),
    help: 'file of API keys, one a line, # comments; re-read when it changes and on SIGHUP (rotation: list old and new key, then drop the old)',
  },
  metricsAuth: { env: 'METRICS_AUTH', flag: 'metrics-auth', default: 'false', schema: boolean, help: 'with API keys set, /metrics needs a key too (off: a Prometheus scraper needs none)' },
  rateLimitMax: {
    env: 'RATE_LIMIT_MAX',
    flag: 'rate-limit-max',
    default: '0',
    schema: integer(0),
    help: 'requests per RATE_LIMIT_WINDOW_MS per API key (per client address without keys), then 429 RATE_LIMITED; 0 = no limit',
  },
  rateLimitWindowMs: { env: 'RATE_LIMIT_WINDOW_MS', flag: 'rate-limit-window-ms', default: '60000', schema: integer(1), help: 'the window RATE_LIMIT_MAX counts in' },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    default: undefined,
    schema: commaList.pipe(z.array(origin).min(1, 'expected at least one origin')),
    help: 'comma-separated browser origins allowed to call the API (CORS); unset = none',
  },
  tlsCert: { env: 'TLS_CERT', flag: 'tls-cert', default: undefined, schema: z.string().min(1), help: 'PEM certificate (chain) file: with TLS_KEY, the server speaks HTTPS only' },
  tlsKey: { env: 'TLS_KEY', flag: 'tls-key', default: undefined, schema: z.string().min(1), help: "PEM private key file of TLS_CERT's certificate" },
  tta: { env: 'TTA', flag: 'tta', default: 'off', schema: z.enum(TTA_MODES), help: 'test-time augmentation: flips = the mean of the scores of the image and its 3 flips (4 inferences per image)' },
  explainMaxInferences: {
    env: 'EXPLAIN_MAX_INFERENCES',
    flag: 'explain-max-inferences',
    default: '150',
    schema: integer(2, 10_000),
    help: 'most forward passes one POST /explain may take (patch positions + 1); more is 400 EXPLANATION_TOO_COSTLY',
  },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', default: 'info', schema: logLevel, help: 'pino log level' },
  cacheDir: { env: 'CACHE_DIR', flag: 'cache-dir', default: undefined, schema: z.string().min(1), help: 'OpenVINO model cache directory (faster restarts)' },
} as const;

export type OptionKey = keyof typeof OPTIONS;

type ValueOf<K extends OptionKey> = z.output<(typeof OPTIONS)[K]['schema']>;

/** The validated configuration; settings without a default are absent when not given. */
export type Config = {
  [K in OptionKey as (typeof OPTIONS)[K]['default'] extends string ? K : never]: ValueOf<K>;
} & {
  [K in OptionKey as (typeof OPTIONS)[K]['default'] extends string ? never : K]?: ValueOf<K>;
};
