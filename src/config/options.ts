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

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Every setting: its environment variable, its --flag, its default (as the string a user would type)
 * and the schema that turns the string into a value. The one table that loading and --help read.
 */
export const OPTIONS = {
  port: { env: 'PORT', flag: 'port', default: '8080', schema: integer(0, 65535), help: 'TCP port to listen on (0 = any free port)' },
  host: { env: 'HOST', flag: 'host', default: '127.0.0.1', schema: z.string().min(1), help: 'address to bind; the container sets 0.0.0.0' },
  modelDir: { env: 'MODEL_DIR', flag: 'model-dir', default: 'models/default', schema: z.string().min(1), help: 'directory holding manifest.json and the IR files' },
  devices: { env: 'DEVICE', flag: 'device', default: INFERENCE_DEFAULTS.devices.join(','), schema: deviceList, help: 'device priority list, first listed by the runtime and compiling wins; use ";" between entries when one is MULTI:a,b' },
  numRequests: { env: 'NUM_REQUESTS', flag: 'num-requests', default: undefined, schema: integer(1, 256), help: "parallel infer requests (default: the device's OPTIMAL_NUMBER_OF_INFER_REQUESTS)" },
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
    schema: z.enum(['true', 'false']).transform((v) => v === 'true'),
    help: 'classify images that decode with damage (a corrupt JPEG scan) with a warning, instead of 422 CORRUPT_IMAGE',
  },
  performanceHint: { env: 'PERFORMANCE_HINT', flag: 'performance-hint', default: INFERENCE_DEFAULTS.performanceHint, schema: z.enum(PERFORMANCE_HINTS), help: "OpenVINO's hint: THROUGHPUT (streams, best under load) or LATENCY (one request uses every core)" },
  cpuPrecision: { env: 'CPU_PRECISION', flag: 'cpu-precision', default: INFERENCE_DEFAULTS.cpuPrecision, schema: z.enum(CPU_PRECISIONS), help: 'CPU inference precision: f32 matches TensorFlow; bf16 is faster on CPUs with AVX512-BF16/AMX' },
  failbackIntervalMs: {
    env: 'FAILBACK_INTERVAL_MS',
    flag: 'failback-interval-ms',
    default: String(INFERENCE_DEFAULTS.failbackIntervalMs),
    schema: integer(0),
    help: 'how often a device above the serving one is looked for (a stick plugged in again); 0 = never',
  },
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
