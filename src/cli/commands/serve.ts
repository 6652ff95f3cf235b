// `onnx-edge serve`: runs the inference server until SIGTERM/SIGINT, then shuts down gracefully (stops
// accepting, answers every request in flight, exit 0). Flags override ONNX_EDGE_* environment variables.
import { EP_CHOICES, LOG_LEVELS } from '@onnx-edge/core';
import { choiceFlag, intFlag, numberFlag, parseFlags, UsageError, type Command } from '../kit.ts';


const help = `Usage: onnx-edge serve (--repo DIR | --model file.onnx) [options]

Serves ONNX classifiers over HTTP: POST /classify (PNG/JPEG/WebP, raw or multipart field 'image'),
the Open Inference Protocol (KServe v2) under /v2, Prometheus metrics at /metrics, model files at
/models, and the web demo at /. Concurrent requests are batched dynamically.

Options (environment variable in brackets; flags win):
  --repo DIR                 model repository in Triton's layout: DIR/<name>/config.pbtxt, labels.txt,
                             <version>/model.onnx (the highest version is served)   [ONNX_EDGE_REPO]
  --model FILE               serve one .onnx file instead, named after the file      [ONNX_EDGE_MODEL]
  --port N                   TCP port, 0 = any free port (default 8080)              [ONNX_EDGE_PORT]
  --host ADDR                address to bind (default 127.0.0.1; 0.0.0.0 exposes it) [ONNX_EDGE_HOST]
  --ep auto|cuda|cpu         execution provider; auto tries CUDA, falls back to CPU  [ONNX_EDGE_EP]
  --max-batch N              largest batch per run (default: config.pbtxt, else 64)  [ONNX_EDGE_MAX_BATCH]
  --max-queue-delay-ms N     longest wait to fill a batch (default: config.pbtxt, else 2)
                                                                                     [ONNX_EDGE_MAX_QUEUE_DELAY_MS]
  --max-queue N              inputs waiting per model before 429 (default 1024)      [ONNX_EDGE_MAX_QUEUE]
  --instances N              inference threads per model, sharing the cores (default: config.pbtxt's
                             instance_group count, else 1)                           [ONNX_EDGE_INSTANCES]
  --max-body-bytes N         request body limit (default 16 MiB)                     [ONNX_EDGE_MAX_BODY_BYTES]
  --request-timeout-ms N     answer 408 and close when a request's headers and body have not all arrived
                             within N ms (default 60000)                             [ONNX_EDGE_REQUEST_TIMEOUT_MS]
  --cors ORIGINS             comma-separated allowed origins, '*' for any (default: CORS off)
                                                                                     [ONNX_EDGE_CORS]
  --web-root DIR             built web demo (default web-demo/dist)                  [ONNX_EDGE_WEB_ROOT]
  --log-level LEVEL          ${LOG_LEVELS.join('|')} (default info)                       [ONNX_EDGE_LOG_LEVEL]
  --http-nice N              nice value of the HTTP thread, 0-19 (default 10): when the CPU is saturated
                             the inference threads run first; 0 leaves it as is (Linux)  [ONNX_EDGE_HTTP_NICE]
  -h, --help                 show this help

Logs are JSON lines on stdout. SIGTERM or Ctrl-C stops accepting connections, answers every request in
flight, and exits 0.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve models over HTTP: /classify, KServe v2, metrics, web demo',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, {
      repo: { type: 'string' },
      model: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      ep: { type: 'string' },
      'max-batch': { type: 'string' },
      'max-queue-delay-ms': { type: 'string' },
      'max-queue': { type: 'string' },
      instances: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      cors: { type: 'string' },
      'web-root': { type: 'string' },
      'log-level': { type: 'string' },
      'http-nice': { type: 'string' },
    });
    const { settingsFromEnv, parseCorsOrigins, startServer, ConfigError } = await import('@onnx-edge/serve');
    let fromEnv;
    try {
      fromEnv = settingsFromEnv(process.env);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
    const fromFlags = {
      repo: values.repo,
      model: values.model,
      port: intFlag('port', values.port, 0, 65535),
      host: values.host,
      ep: choiceFlag('ep', values.ep, EP_CHOICES),
      maxBatch: intFlag('max-batch', values['max-batch'], 1, 4096),
      maxQueueDelayMs: numberFlag('max-queue-delay-ms', values['max-queue-delay-ms'], 0, 10_000),
      maxQueue: intFlag('max-queue', values['max-queue'], 1, 1_000_000),
      instances: intFlag('instances', values.instances, 1, 64),
      maxBodyBytes: intFlag('max-body-bytes', values['max-body-bytes'], 1024, 1024 ** 3),
      requestTimeoutMs: intFlag('request-timeout-ms', values['request-timeout-ms'], 100, 3_600_000),
      cors: values.cors === undefined ? undefined : parseCorsOrigins(values.cors),
      webRoot: values['web-root'],
      logLevel: choiceFlag('log-level', values['log-level'], LOG_LEVELS),
      httpNice: intFlag('http-nice', values['http-nice'], 0, 19),
    };
    const settings = { ...fromEnv, ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)) };
    // A repository given by flag replaces a model file given by environment and vice versa.
    if (values.repo !== undefined) delete settings.model;
    if (values.model !== undefined) delete settings.repo;
    if (!settings.repo && !settings.model) throw new UsageError('give a model repository (--repo DIR) or a model file (--model file.onnx)');
    if (settings.repo && settings.model) throw new UsageError('give either --repo or --model, not both');

    const server = await startServer(settings);
    console.error(`onnx-edge serve: listening on ${server.url} (models: ${server.models.map((m) => `${m.name} on ${m.executionProvider}`).join(', ')})`);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        server.logger.info({ signal }, 'signal received');
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    await server.close();
    return 0;
  },
};
