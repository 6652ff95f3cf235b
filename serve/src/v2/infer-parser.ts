// Main-thread side of the v2 body parse worker: hands it the body's bytes (moved, not copied, when the
// bytes own their memory) and gets the request back with its tensor data in typed arrays. The thread
// starts on first use, or at start-up through start(), and does not keep the process alive while idle. A
// worker that dies fails the parses it had and is started again by the next one.
import type { Worker } from 'node:worker_threads';
import { HttpError } from '../errors.ts';
import { startTsWorker } from '@onnx-edge/core/node';
import type { InferRequest, InferSpec } from './infer-request.ts';
import type { ParseReply, ParseRequest } from './parse-protocol.ts';

interface Waiter {
  worker: Worker;
  resolve: (request: InferRequest) => void;
  reject: (err: Error) => void;
}

export class InferBodyParser {
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, Waiter>();

  /** Starts the thread now, so that the first request does not wait for it. */
  start(): void {
    this.workerNow();
  }

  parse(bytes: Uint8Array, spec: InferSpec): Promise<InferRequest> {
    const worker = this.workerNow();
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    const id = this.nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, bytes: owned, spec } satisfies ParseRequest, [owned.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private workerNow(): Worker {
    if (this.worker) return this.worker;
    const worker = startTsWorker(new URL('./parse-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (reply: ParseReply) => this.settle(worker, reply));
    worker.on('error', (err) => this.fail(worker, `the inference body parser crashed: ${err.message}`));
    worker.on('exit', () => this.fail(worker, 'the inference body parser stopped'));
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: ParseReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (![...this.pending.values()].some((w) => w.worker === worker)) worker.unref();
    if ('request' in reply) waiter.resolve(reply.request);
    else if (reply.error.status === 500) waiter.reject(new Error(reply.error.message));
    else waiter.reject(new HttpError(reply.error.status, reply.error.code, reply.error.message));
  }

  private fail(worker: Worker, message: string): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiter] of this.pending) {
      if (waiter.worker !== worker) continue;
      this.pending.delete(id);
      waiter.reject(new Error(message));
    }
  }
}
