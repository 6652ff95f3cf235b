// Offline reload: registers the service worker (sw.ts) and puts into its cache what this page loaded — the
// page, its assets and the onnxruntime-web files — so the next load works without the server. What the page
// downloaded itself (the runtime binary) goes in as it arrives, so nothing is downloaded twice. A bonus: any
// failure here leaves the demo working online.

const offlineCacheAvailable = () => !import.meta.env.DEV && typeof caches !== 'undefined';

/** Keeps bytes the page fetched under their URL in the shell cache (the service worker answers from it). */
export async function keepForOffline(url: URL, bytes: Uint8Array<ArrayBuffer>, type: string): Promise<void> {
  if (!offlineCacheAvailable()) return;
  try {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(url.origin + url.pathname, new Response(bytes, { headers: { 'content-type': type, 'content-length': String(bytes.length) } }));
  } catch {
    // A full or unavailable cache costs the offline reload only.
  }
}

/** Resolves true once the page and everything it needs to start are cached. */
export async function enableOfflineReload(): Promise<boolean> {
  if (!offlineCacheAvailable() || !('serviceWorker' in navigator)) return false;
  try {
    const base = new URL(import.meta.env.BASE_URL, location.href);
    await navigator.serviceWorker.register(new URL('sw.js', base), { scope: base.pathname });
    const loaded = performance.getEntriesByType('resource').map((entry) => new URL(entry.name));
    const shell = loaded
      .filter((url) => url.origin === base.origin && (url.pathname.startsWith(`${base.pathname}assets/`) || url.pathname.startsWith(`${base.pathname}ort/`)))
      .map((url) => url.origin + url.pathname);
    const cache = await caches.open(SHELL_CACHE);
    const missing: string[] = [];
    for (const url of new Set([base.href, ...shell])) if (!(await cache.match(url))) missing.push(url);
    await cache.addAll(missing);
    return true;
  } catch {
    return false;
  }
}
