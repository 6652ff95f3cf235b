// Main-thread side of an inference worker: starts the thread, waits until its session is loaded and turns
// runs into promises. A worker that dies fails its pending runs instead of leaving requests hanging.
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '@onnx-edge/core/node';
import type { BatchRunResult } from './batcher.ts';
import type { ExecutionProvider } from './session.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.ts';

export interface SessionInfo {
  executionProvider: ExecutionProvider;
  reason: string;
  inputNames: string[];
  outputNames: string[];
  /** The model's declared input shape; -1 for symbolic dimensions such as the batch. */
  inputShape: number[];
}

export class WorkerRunner {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: BatchRunResult) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly worker: Worker, readonly info: SessionInfo) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(`inference worker crashed: ${err.message}`));
    worker.on('exit', () => {
      this.exited = true;
      this.failAll('inference worker stopped');
    });
  }

  static async start(setup: WorkerSetup): Promise<WorkerRunner> {
    const worker = startTsWorker(new URL('./worker.ts', import.meta.url), { workerData: setup });
    const info = await new Promise<SessionInfo>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`inference worker exited with code ${code} while loading ${setup.modelPath}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (reply.type === 'ready') resolve(reply);
        else reject(new Error(reply.type === 'failed' ? `cannot load ${setup.modelPath}: ${reply.message}` : 'inference worker answered before it was ready'));
      });
    }).catch(async (err: Error) => {
      await worker.terminate();
      throw err;
    });
    return new WorkerRunner(worker, info);
  }

  run(inputName: string, input: Float32Array, shape: number[]): Promise<BatchRunResult> {
    if (this.exited) return Promise.reject(new Error('inference worker stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, inputName, input, shape } satisfies WorkerRequest, [input.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.type === 'result') waiter.resolve({ outputs: reply.outputs, seconds: reply.seconds, waitedSeconds: reply.waitedSeconds });
    else waiter.reject(new Error(reply.message));
  }

  private failAll(message: string): void {
    for (const waiter of this.pending.values()) waiter.reject(new Error(message));
    this.pending.clear();
  }
}
