// startServer: load the models, build the app, listen. close() is the graceful shutdown: readiness goes
// false, the listener stops accepting, every request in flight is answered, then the workers stop.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import { createApp } from './app.ts';
import { answerClientErrors, answerRequestError, answerUnmetExpectations, httpServerOptions } from './client-errors.ts';
import { limitPipelining } from './connection.ts';
import { hostPolicy } from './hosts.ts';
import { DEFAULTS, type ServerSettings } from './config.ts';
import type { AppEnv } from './context.ts';
import type { ServedModel } from './inference/served-model.ts';
import { loadModels } from './load-models.ts';
import { Lifecycle } from './lifecycle.ts';
import { createLogger, type Logger } from './logging.ts';
import { createMetrics, type ServerMetrics } from './metrics.ts';
import { yieldCoresToInference } from './priority.ts';
import { InferBodyParser } from './v2/infer-parser.ts';

export type StartServerOptions = Partial<ServerSettings> & {
  /** Where JSON logs go (default stdout). */
  logDestination?: DestinationStream;
};

export interface RunningServer {
  url: string;
  port: number;
  app: Hono<AppEnv>;
  models: ServedModel[];
  metrics: ServerMetrics;
  logger: Logger;
  close(): Promise<void>;
}

/** How long shutdown waits for responses to finish sending before it closes their connections. */
const SHUTDOWN_GRACE_MS = 5000;

/** web-demo/dist at the repository root, where `npm run build` puts the demo. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web-demo/dist', import.meta.url));

function listen(app: Hono<AppEnv>, logger: Logger, host: string, port: number, requestTimeoutMs: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    // The bound address stands in for a missing Host (HTTP/1.0 clients such as load-balancer health checks).
    const listener = getRequestListener(app.fetch, { hostname: host.includes(':') ? `[${host}]` : host, errorHandler: answerRequestError(logger) });
    const server = createServer(httpServerOptions(requestTimeoutMs), limitPipelining(listener));
    answerClientErrors(server, requestTimeoutMs);
    answerUnmetExpectations(server);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  // Options left undefined (e.g. unset flags passed through) keep their defaults.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as StartServerOptions;
  const settings = { ...DEFAULTS, ...given };
  const logger = createLogger(settings.logLevel, options.logDestination);
  // Settings checked before any model is loaded: a mistake fails at once.
  const hosts = hostPolicy(settings.host, settings.allowedHosts);
  const metrics = createMetrics();
  const models = await loadModels(options, settings.ep, { maxBatch: settings.maxBatch, maxQueueDelayMs: settings.maxQueueDelayMs, maxQueue: settings.maxQueue, instances: settings.instances }, metrics, logger);
  for (const model of models) {
    metrics.modelInfo.set({ model: model.name, version: String(model.version), execution_provider: model.executionProvider }, 1);
    logger.info({ model: model.name, version: model.version, executionProvider: model.executionProvider, reason: model.executionProviderReason, maxBatch: model.batcher.options.maxBatch, maxQueueDelayMs: model.batcher.options.maxDelayMs }, 'model loaded');
  }

  // After the inference workers exist (they keep the normal priority), before the first request.
  yieldCoresToInference(settings.httpNice, logger);
  const lifecycle = new Lifecycle();
  const inferParser = new InferBodyParser();
  inferParser.start();
  const app = createApp({
    models,
    metrics,
    logger,
    limits: { maxBodyBytes: settings.maxBodyBytes, maxInputPixels: settings.maxInputPixels, maxRequestPixels: settings.maxRequestPixels, maxImages: settings.maxImages },
    cors: settings.cors,
    hosts,
    webRoot: settings.webRoot ?? DEFAULT_WEB_ROOT,
    inferParser,
    lifecycle,
  });
  const server = await listen(app, logger, settings.host, settings.port, settings.requestTimeoutMs).catch(async (err: Error) => {
    await Promise.all([...models.map((m) => m.close()), inferParser.close()]);
    throw new Error(`cannot listen on ${settings.host}:${settings.port}: ${err.message}`);
  });
  lifecycle.ready = true;
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info({ url, models: models.map((m) => m.name) }, 'listening');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    logger.info({ inFlight: lifecycle.activeRequests }, 'shutting down: no new connections, answering requests in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await lifecycle.drain();
    await Promise.all(models.map((m) => m.batcher.stop()));
    // Every request has been answered; connections still open now are idle keep-alives or slow readers.
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await Promise.all([...models.map((m) => m.close()), inferParser.close()]);
    logger.info('stopped');
  })());
  return { url, port, app, models, metrics, logger, close };
}
