// Service worker: lets a reload work offline. The page, its hashed assets and onnxruntime-web's runtime
// files are answered from the Cache API when the network fails (the page itself fills that cache, see
// offline.ts); models are cached by the page too (model-store.ts). API calls pass through untouched.

// lib.dom has no service-worker types (lib.webworker conflicts with it): the few shapes used here.
interface ExtendableEventLike { waitUntil(promise: Promise<unknown>): void }
interface FetchEventLike extends ExtendableEventLike { request: Request; respondWith(response: Promise<Response>): void }
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}
const worker = self as unknown as ServiceWorkerScope;
const base = new URL('./', worker.location.href);
const pageKey = base.href;

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));

worker.addEventListener('activate', (event) => event.waitUntil((async () => {
  // A new onnxruntime-web version means a new cache name: drop the old runtime files.
  for (const name of await caches.keys()) {
    if (name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
  }
  await worker.clients.claim();
})()));

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== base.origin) return;
  if (request.mode === 'navigate') event.respondWith(networkFirst(request));
  else if (url.pathname.startsWith(`${base.pathname}assets/`) || url.pathname.startsWith(`${base.pathname}ort/`)) event.respondWith(cacheFirst(request));
});

/** The page: fresh from the server when it answers (a new build), from the cache when it does not. */
async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(pageKey, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(pageKey);
    if (cached) return cached;
    throw error;
  }
}

/** Hashed assets never change under their name; the runtime files are versioned by the cache name. */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}
