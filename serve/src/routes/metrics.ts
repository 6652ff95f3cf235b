// GET /metrics: Prometheus text exposition of the server's registry.
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';

export function metricsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async function metrics(c) {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}
