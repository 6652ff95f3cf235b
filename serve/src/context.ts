// What every route and middleware is built from: the served models and the server's shared services.
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServedModel } from './inference/served-model.ts';
import { notFound } from './errors.ts';
import type { HostPolicy } from './hosts.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { InferBodyParser } from './v2/infer-parser.ts';

export interface AppLimits {
  maxBodyBytes: number;
  /** Most pixels of one image. */
  maxInputPixels: number;
  /** Most pixels of all the images of one request together. */
  maxRequestPixels: number;
  /** Most images in one request. */
  maxImages: number;
}

export interface AppDeps {
  models: ServedModel[];
  metrics: ServerMetrics;
  logger: Logger;
  limits: AppLimits;
  /** Allowed CORS origin(s); CORS is off when absent. */
  cors?: string[];
  /** The Host names answered (DNS rebinding); undefined answers any. */
  hosts?: HostPolicy;
  /** Folder of the built web demo, served at /. */
  webRoot?: string;
  /** Parses v2 inference bodies off the event loop. */
  inferParser: InferBodyParser;
  /** Readiness (false while starting and shutting down) and the count of requests in flight. */
  lifecycle: Lifecycle;
}

export type AppEnv = { Variables: { requestId: string; log: Logger } };

/** The named model, or the first one when no name is given. */
export function findModel(deps: AppDeps, name: string | undefined): ServedModel {
  const model = name === undefined ? deps.models[0] : deps.models.find((m) => m.name === name);
  if (!model) {
    throw notFound(`model '${name ?? ''}' is not served; available: ${deps.models.map((m) => m.name).join(', ') || 'none'} (GET /models lists them)`);
  }
  return model;
}
