// One onnxruntime session per kernel configuration (kind, geometry, options; batch sizes share one, the
// batch being symbolic), built on first use. A training run needs a few per layer; the bound only keeps a run
// that sees ever new shapes from holding every session it made.
import type { NativeRuntime, NativeSession } from './native-runtime.ts';

const DEFAULT_CAPACITY = 512;

export class SessionCache {
  private readonly sessions = new Map<string, NativeSession>();

  constructor(private readonly runtime: NativeRuntime, private readonly capacity = DEFAULT_CAPACITY) {}

  get threads(): number {
    return this.runtime.threads;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * The session for `key`, loading the model `build` returns on a miss (least recently used ones go first),
   * with `threads` intra-op threads (default: the runtime's).
   */
  get(key: string, build: () => Uint8Array, threads = this.runtime.threads): NativeSession {
    const cached = this.sessions.get(key);
    if (cached) {
      this.sessions.delete(key); // re-inserted below: Map order is recency order
      this.sessions.set(key, cached);
      return cached;
    }
    const session = this.runtime.load(build(), threads);
    this.sessions.set(key, session);
    if (this.sessions.size > this.capacity) {
      const [oldestKey, oldest] = this.sessions.entries().next().value!;
      this.sessions.delete(oldestKey);
      oldest.dispose();
    }
    return session;
  }

  clear(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }
}
