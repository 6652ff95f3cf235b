// Prometheus metrics, one registry per server so that several servers in one process (tests) stay apart.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  requestSeconds: Histogram<'route' | 'method'>;
  inFlight: Gauge;
  decodeSeconds: Histogram;
  queueSeconds: Histogram<'model'>;
  inferenceSeconds: Histogram<'model'>;
  batchSize: Histogram<'model'>;
  queueDepth: Gauge<'model'>;
  rejected: Counter<'model' | 'reason'>;
  modelInfo: Gauge<'model' | 'version' | 'execution_provider'>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  // prom-client's default metrics are already named process_* and nodejs_*: the prefix only adds the namespace.
  collectDefaultMetrics({ register: registry, prefix: 'onnx_edge_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'onnx_edge_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers }),
    requestSeconds: new Histogram({ name: 'onnx_edge_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['route', 'method'], buckets: LATENCY_BUCKETS, registers }),
    inFlight: new Gauge({ name: 'onnx_edge_http_requests_in_flight', help: 'HTTP requests being answered', registers }),
    decodeSeconds: new Histogram({ name: 'onnx_edge_image_decode_seconds', help: 'Time to decode and resize one image', buckets: LATENCY_BUCKETS, registers }),
    queueSeconds: new Histogram({ name: 'onnx_edge_queue_seconds', help: 'Time an input waited in the batching queue', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers }),
    inferenceSeconds: new Histogram({ name: 'onnx_edge_inference_seconds', help: 'onnxruntime run() time per batch', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers }),
    batchSize: new Histogram({ name: 'onnx_edge_batch_size', help: 'Inputs per onnxruntime run()', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers }),
    queueDepth: new Gauge({ name: 'onnx_edge_queue_depth', help: 'Inputs waiting for a batch', labelNames: ['model'], registers }),
    rejected: new Counter({ name: 'onnx_edge_rejected_total', help: 'Inputs refused because the queue was full or the server was stopping', labelNames: ['model', 'reason'], registers }),
    modelInfo: new Gauge({ name: 'onnx_edge_model_info', help: 'Served models (value 1) with version and execution provider', labelNames: ['model', 'version', 'execution_provider'], registers }),
  };
}
