// What every route and middleware is built from: the served models and the server's shared services.
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServedModel } from './inference/served-model.ts';
import { notFound } from './errors.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface AppLimits {
  maxBodyBytes: number;
  maxInputPixels: number;
}

export interface AppDeps {
  models: ServedModel[];
  metrics: ServerMetrics;
  logger: Logger;
  limits: AppLimits;
  /** Allowed CORS origin(s); CORS is off when absent. */
  cors?: string[];
  /** Folder of the built web demo, served at /. */
  webRoot?: string;
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
