// How many pixels the server decodes at once, across all requests. Each request is held to its own budget
// (decode.ts), but twenty requests of one large image each would still decode twenty images side by side:
// memory grows with the pixels being decoded (a 36 MP image is ~110 MB of RGB), and decoder work queued in
// libuv's thread pool cannot be taken back when its client leaves. Requests wait here instead, in arrival
// order, and a request whose client has gone leaves the queue without decoding anything.
import { clientClosed } from './errors.ts';

interface Waiter {
  pixels: number;
  start: () => void;
}

export class PixelGate {
  private inUse = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly capacity: number) {}

  /**
   * Resolves with the release function once `pixels` more fit (an image larger than the capacity waits for
   * the gate to be empty); rejects with a 499 if `signal` aborts first.
   */
  async acquire(pixels: number, signal?: AbortSignal): Promise<() => void> {
    const weight = Math.min(pixels, this.capacity);
    if (signal?.aborted) throw clientClosed();
    if (this.waiting.length === 0 && this.inUse + weight <= this.capacity) return this.take(weight);
    return new Promise((resolve, reject) => {
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        this.startWaiting();
        reject(clientClosed());
      };
      const waiter: Waiter = {
        pixels: weight,
        start: () => {
          signal?.removeEventListener('abort', leave);
          resolve(this.take(weight));
        },
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
    });
  }

  private take(weight: number): () => void {
    this.inUse += weight;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= weight;
      this.startWaiting();
    };
  }

  /** Starts waiters in arrival order while the first of them fits. */
  private startWaiting(): void {
    while (this.waiting.length > 0 && this.inUse + this.waiting[0]!.pixels <= this.capacity) this.waiting.shift()!.start();
  }
}
