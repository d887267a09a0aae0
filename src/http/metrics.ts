import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Classifier, Prediction } from '../service/index.js';

/** Seconds: image work sits between a few ms (CPU) and a few hundred ms (NCS over USB, big JPEGs). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Prometheus metrics of one app instance: its own Registry, so several apps can live in one process. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly total: Histogram<'route'>;
  private readonly decode: Histogram;
  private readonly queue: Histogram;
  private readonly infer: Histogram;

  constructor(classifier: Classifier) {
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
    this.decode = new Histogram({ name: 'leukoserve_decode_seconds', help: 'decode, crop and resize per image', buckets: BUCKETS, registers });
    this.queue = new Histogram({ name: 'leukoserve_queue_seconds', help: 'wait for a free infer request per image', buckets: BUCKETS, registers });
    this.infer = new Histogram({ name: 'leukoserve_infer_seconds', help: 'inference per image on the device', buckets: BUCKETS, registers });
    new Gauge({
      name: 'leukoserve_queue_depth',
      help: 'images waiting for a free infer request',
      registers,
      collect() {
        this.set(classifier.stats().queued);
      },
    });
    new Gauge({
      name: 'leukoserve_active_inferences',
      help: 'infer requests running on the device',
      registers,
      collect() {
        this.set(classifier.stats().active);
      },
    });
    new Gauge({
      name: 'leukoserve_device_info',
      help: 'the device the model is compiled on (value 1)',
      labelNames: ['device'],
      registers,
      // Read at each scrape: a lost stick moves the model to the next device.
      collect() {
        this.reset();
        this.set({ device: classifier.device }, 1);
      },
    });
    const { name, version, trained } = classifier.summary;
    new Gauge({ name: 'leukoserve_model_info', help: 'the loaded model (value 1)', labelNames: ['name', 'version', 'trained'], registers }).set(
      { name, version, trained: String(trained) },
      1,
    );
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.total.observe({ route }, seconds);
  }

  observePrediction(p: Prediction): void {
    this.decode.observe(p.timing_ms.decode / 1000);
    this.queue.observe(p.timing_ms.queue / 1000);
    this.infer.observe(p.timing_ms.infer / 1000);
  }
}
