// The Hono application: middleware, routes, and the one error handler that turns every failure into JSON.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps, AppEnv } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { checkHost } from './hosts.ts';
import { accessLog, requestId, securityHeaders, trackInFlight } from './middleware.ts';
import { classifyRoutes } from './routes/classify.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { staticRoutes } from './routes/static.ts';
import { INFERENCE_HEADER, v2Routes } from './routes/v2.ts';

function asHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  // Hono's own exceptions (e.g. a malformed body) carry a client status.
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) return new HttpError(400, 'bad_request', err.message || 'bad request');
  return undefined;
}

function errorResponse(c: Context<AppEnv>, err: HttpError): Response {
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
  // The Open Inference Protocol fixes its error body as {"error": "<message>"}.
  const body = c.req.path.startsWith('/v2/') || c.req.path === '/v2'
    ? { error: err.message }
    : { error: { code: err.code, message: err.message } };
  // 499 (the client left) is nginx's code, outside Hono's list; nobody receives that answer, the log does.
  return c.json(body, err.status as ContentfulStatusCode);
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(trackInFlight(deps), requestId(deps), accessLog(deps), securityHeaders(), checkHost(deps.hosts));
  if (deps.cors && deps.cors.length > 0) {
    app.use(cors({ origin: deps.cors, allowMethods: ['GET', 'POST', 'OPTIONS'], exposeHeaders: ['X-Request-Id', 'Retry-After', INFERENCE_HEADER], maxAge: 600 }));
  }
  app.route('/', classifyRoutes(deps));
  app.route('/', v2Routes(deps));
  app.route('/', modelRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', staticRoutes(deps.webRoot));

  app.notFound(function unknownRoute(c) {
    return errorResponse(c, notFound(`no route ${c.req.method} ${c.req.path}`));
  });
  app.onError(function onError(err, c) {
    const known = asHttpError(err);
    if (known) return errorResponse(c, known);
    // A bug or an inference failure: full detail in the log, none in the response.
    (c.var.log ?? deps.logger).error({ err }, 'unhandled error');
    return errorResponse(c, new HttpError(500, 'internal', `internal error; the server log has the details under request id ${c.var.requestId ?? 'unknown'}`));
  });
  return app;
}
