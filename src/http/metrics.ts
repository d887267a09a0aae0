import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelRepository, Prediction } from '../service/index.js';

/** Seconds: image work sits between a few ms (CPU) and a few hundred ms (NCS over USB, big JPEGs). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Prometheus metrics of one app instance: its own Registry, so several apps can live in one process. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly total: Histogram<'route'>;
  private readonly decode: Histogram<'model' | 'version'>;
  private readonly queue: Histogram<'model' | 'version'>;
  private readonly infer: Histogram<'model' | 'version'>;

  constructor(models: ModelRepository) {
    const labelNames = ['model', 'version'] as const;
    const sum = (key: 'queued' | 'active') => models.loaded().reduce((total, { classifier }) => total + classifier.stats()[key], 0);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'leukoserve_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.total = new Histogram({
      name: 'leukoserve_http_request_duration_seconds',
      help: 'HTTP request time, receiving the body to sending the reply',
      labelNames: ['route'],
      buckets: BUCKETS,
      registers,
    });
    this.decode = new Histogram({ name: 'leukoserve_decode_seconds', help: 'decode, crop and resize per image', labelNames, buckets: BUCKETS, registers });
    this.queue = new Histogram({ name: 'leukoserve_queue_seconds', help: 'wait for a free infer request per image', labelNames, buckets: BUCKETS, registers });
    this.infer = new Histogram({ name: 'leukoserve_infer_seconds', help: 'inference per image on the device', labelNames, buckets: BUCKETS, registers });
    new Gauge({
      name: 'leukoserve_queue_depth',
      help: 'images waiting for a free infer request',
      registers,
      collect() {
        this.set(sum('queued'));
      },
    });
    new Gauge({
      name: 'leukoserve_active_inferences',
      help: 'infer requests running on the device',
      registers,
      collect() {
        this.set(sum('active'));
      },
    });
    new Gauge({
      name: 'leukoserve_device_info',
      help: 'the device each loaded model version is compiled on (value 1)',
      labelNames: ['device', 'model', 'version'],
      registers,
      // Read at each scrape: a lost stick moves a model to the next device, a new version replaces an old one.
      collect() {
        this.reset();
        for (const { name, version, classifier } of models.loaded()) this.set({ device: classifier.device, model: name, version }, 1);
      },
    });
    new Gauge({
      name: 'leukoserve_model_info',
      help: 'the loaded models (value 1): repository name and version, the manifest\'s name and version',
      labelNames: ['model', 'version', 'name', 'manifest_version', 'trained'],
      registers,
      collect() {
        this.reset();
        for (const { name, version, classifier } of models.loaded()) {
          const summary = classifier.summary;
          this.set({ model: name, version, name: summary.name, manifest_version: summary.version, trained: String(summary.trained) }, 1);
        }
      },
    });
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.total.observe({ route }, seconds);
  }

  /** One image's timings, under the repository name and version of the model that classified it. */
  observePrediction(p: Prediction, model: string, version: string): void {
    const labels = { model, version };
    this.decode.observe(labels, p.timing_ms.decode / 1000);
    this.queue.observe(labels, p.timing_ms.queue / 1000);
    this.infer.observe(labels, p.timing_ms.infer / 1000);
  }
}
