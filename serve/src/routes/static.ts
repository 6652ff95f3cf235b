// The built web demo (GET / and its assets). Paths are resolved inside the web root and anything that
// would leave it is a 404; MIME types are explicit because onnxruntime-web needs application/wasm and
// module workers need a JavaScript type for .mjs.
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { fileResponse } from './file-response.ts';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.onnx': 'application/octet-stream',
};

/** The file a URL path names inside root, or undefined when it would leave root. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw badRequest('the URL path is not valid percent-encoding');
  }
  if (decoded.includes('\0')) return undefined;
  const full = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  const rel = relative(root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return full;
}

export function staticRoutes(webRoot: string | undefined): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const root = webRoot ? resolve(webRoot) : undefined;
  app.get('/*', async function staticFile(c) {
    if (!root) throw notFound(`no route ${c.req.path}; the web demo is not configured (--web-root)`);
    let path = resolveInside(root, c.req.path);
    if (!path) throw notFound(`no file ${c.req.path}`);
    let info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      path = join(path, 'index.html');
      info = await stat(path).catch(() => undefined);
    }
    if (!info?.isFile()) {
      throw notFound(c.req.path === '/' ? `the web demo is not built (no index.html in the web root); run 'npm run build'` : `no file ${c.req.path}`);
    }
    const type = MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    // Vite's /assets/ names carry a content hash: cache them for good. Everything else (index.html, the
    // service worker, onnxruntime's unhashed files) is revalidated against its ETag on every load.
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return fileResponse(c, path, type);
  });
  return app;
}
