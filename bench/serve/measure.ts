// The two measurements of `bench serve`: raw onnxruntime-node throughput at a batch size (same session
// settings as the server), and the server under closed-loop HTTP load at a concurrency on one route.
import { performance } from 'node:perf_hooks';
import { createSession, runModel, type RunningServer } from '@onnx-edge/serve';
import { startTsWorker } from '@onnx-edge/core/node';
import type { LoadJob, LoadResult } from './load-worker.ts';
import type { Route } from './requests.ts';

export interface RawResult {
  batch: number;
  /** onnxruntime's intra-op spinning (its default is on; the server turns it off). */
  allowSpinning: boolean;
  imagesPerSecond: number;
  msPerBatch: number;
  runs: number;
}

export interface ServerResult {
  route: Route;
  concurrency: number;
  requests: number;
  failures: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** NaN on the v2 routes, whose answers do not say. */
  meanBatchSize: number;
  /** Mean per request, from the server's timing_ms (NaN on the v2 routes but clientLatency); `httpAndClient` = client latency − server total (HTTP, client). */
  meanMs: { decode: number; queue: number; inference: number; serverTotal: number; clientLatency: number; httpAndClient: number };
  /** Busy fractions during the measurement: the server's HTTP thread, its inference worker(s) (Σ run() time / wall time), the load generator. */
  utilization: { httpThread: number; inference: number; client: number };
}

export interface RawJob {
  modelPath: string;
  batch: number;
  seconds: number;
  threads: number;
  allowSpinning: boolean;
}

/** Runs measureRaw in a thread of its own (raw-worker.ts says why); start it before any server. */
export class RawMeasurer {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: RawResult) => void; reject: (e: Error) => void }>();
  /** Set once the worker has died: later measurements fail at once instead of waiting for it forever. */
  private failure: Error | undefined;

  private constructor(private readonly worker: ReturnType<typeof startTsWorker>) {
    worker.on('message', (reply: { id: number; result?: RawResult; error?: string }) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.result) waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`raw measurement failed: ${reply.error}`));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the raw measurement worker exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }

  static start(): RawMeasurer {
    return new RawMeasurer(startTsWorker(new URL('./raw-worker.ts', import.meta.url)));
  }

  measure(job: RawJob): Promise<RawResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

async function inferenceSecondsSum(server: RunningServer): Promise<number> {
  const metric = await server.metrics.inferenceSeconds.get();
  return metric.values.filter((v) => v.metricName?.endsWith('_sum')).reduce((a, v) => a + v.value, 0);
}

export async function measureRaw(modelPath: string, batch: number, seconds: number, intraOpThreads: number, allowSpinning: boolean): Promise<RawResult> {
  const { session } = await createSession(modelPath, { ep: 'cpu', intraOpThreads, allowSpinning });
  try {
    const inputs = [{ name: 'input', datatype: 'FP32' as const, shape: [batch, 3, 32, 32], data: new Float32Array(batch * 3072).map((_, i) => ((i * 7919) % 255) / 255) }];
    for (let i = 0; i < 3; i++) await runModel(session, inputs); // warm-up
    let runs = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    while (performance.now() < deadline || runs < 3) {
      await runModel(session, inputs);
      runs++;
    }
    const elapsed = (performance.now() - started) / 1000;
    return { batch, allowSpinning, imagesPerSecond: (runs * batch) / elapsed, msPerBatch: (elapsed * 1000) / runs, runs };
  } finally {
    await session.release();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs one closed-loop load in its own worker thread (load-worker.ts) and resolves with what it measured. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  const worker = startTsWorker(new URL('./load-worker.ts', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with code ${code}`)));
  });
}

/** `warmupSeconds` of untimed load first: connections, and for a fresh server its JavaScript reaching optimised code. */
export async function measureServer(server: RunningServer, route: Route, requests: Uint8Array[], concurrency: number, seconds: number, warmupSeconds: number): Promise<ServerResult> {
  const url = server.url;
  const timed = route === 'classify';
  await runLoad({ url, requests, timed, concurrency, seconds: warmupSeconds });
  // The server runs in this process: this thread's event loop is its HTTP thread.
  const elu = performance.eventLoopUtilization();
  const inferenceBefore = await inferenceSecondsSum(server);
  const load = await runLoad({ url, requests, timed, concurrency, seconds });
  const httpThread = performance.eventLoopUtilization(elu).utilization;
  const inference = (await inferenceSecondsSum(server)) - inferenceBefore;
  const sorted = [...load.latenciesMs].sort((a, b) => a - b);
  const n = Math.max(1, sorted.length);
  const mean = (x: number) => (timed ? x / n : NaN);
  const clientLatency = sorted.reduce((a, b) => a + b, 0) / n;
  return {
    route,
    concurrency,
    requests: sorted.length,
    failures: load.failures,
    requestsPerSecond: sorted.length / load.elapsedSeconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanBatchSize: mean(load.batchSizeSum),
    meanMs: {
      decode: mean(load.serverMs.decode),
      queue: mean(load.serverMs.queue),
      inference: mean(load.serverMs.inference),
      serverTotal: mean(load.serverMs.total),
      clientLatency,
      httpAndClient: clientLatency - mean(load.serverMs.total),
    },
    utilization: { httpThread, inference: inference / load.elapsedSeconds, client: load.clientUtilization },
  };
}
