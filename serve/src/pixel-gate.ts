// How many pixels the server decodes at once, across all requests. Each request is held to its own budget
// (decode.ts), but twenty requests of one large image each would still decode twenty images side by side:
// memory grows with the pixels being decoded (a 36 MP image is ~110 MB of RGB), and decoder work queued in
// libuv's thread pool cannot be taken back when its client leaves. Requests wait here instead, and a request
// whose client has gone leaves the queue without decoding anything. A waiting image starts as soon as it
// fits, before larger ones that arrived earlier: a photo of an ordinary size is not held behind a queue of
// 36-megapixel images (those still start whenever that much is free, which small images leave almost always).
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
    if (this.inUse + weight <= this.capacity) return this.take(weight);
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

  /** Starts every waiter that fits, in arrival order. */
  private startWaiting(): void {
    for (const waiter of [...this.waiting]) {
      if (this.inUse + waiter.pixels > this.capacity) continue;
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.start();
    }
  }
}
