// Middleware factories; each returns a named function so stack traces and profiles say what runs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from './context.ts';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the client's X-Request-Id when it is a sane token, else makes one; echoes it and scopes the log. */
export function requestId(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.set('log', deps.logger.child({ reqId: id }));
    c.header('X-Request-Id', id);
    await next();
  };
}

/** Counts the request as in flight for graceful shutdown; while draining, asks clients to reconnect elsewhere. */
export function trackInFlight(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function trackInFlightMiddleware(c, next) {
    deps.lifecycle.begin();
    try {
      await next();
      if (deps.lifecycle.draining) c.header('Connection', 'close');
    } finally {
      deps.lifecycle.end();
    }
  };
}

/** One JSON log line, a count and a latency observation per request, labelled by the matched route. */
export function accessLog(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    deps.metrics.inFlight.inc();
    try {
      await next();
    } finally {
      deps.metrics.inFlight.dec();
      const seconds = (performance.now() - started) / 1000;
      // routePath of the handler that answered; '/*' catch-alls are reported as such, never the raw URL.
      const route = c.res.status === 404 && c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
      const method = c.req.method;
      const status = String(c.res.status);
      deps.metrics.requests.inc({ route, method, status });
      deps.metrics.requestSeconds.observe({ route, method }, seconds);
      const level = c.res.status >= 500 ? 'error' : 'info';
      c.var.log[level]({ method, path: c.req.path, route, status: c.res.status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    }
  };
}

/** Headers the web demo needs for cross-origin isolation (onnxruntime-web threads) and safe defaults. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

// Set before the handler runs, on every response (the CSP is harmless on JSON): a header added after the
// response exists makes Hono rebuild it as a WHATWG Response with a stream body, which cost more CPU per
// request than the rest of the middleware together (bench/NOTES.md, server finding 3).
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Embedder-Policy', 'require-corp');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    await next();
  };
}
