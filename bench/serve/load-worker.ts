// Closed-loop HTTP load in its own thread, so the client's work does not run on the server's event loop:
// `concurrency` loops each POST an image to /classify, wait for the answer, and send the next, until the
// deadline. Reports every latency and the server's own timing breakdown.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  url: string;
  images: Uint8Array[];
  concurrency: number;
  seconds: number;
}

export interface LoadResult {
  latenciesMs: number[];
  failures: number;
  elapsedSeconds: number;
  /** Sums of the server's timing_ms over successful answers, and of their batch sizes. */
  serverMs: { decode: number; queue: number; inference: number; total: number };
  batchSizeSum: number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const result: LoadResult = { latenciesMs: [], failures: 0, elapsedSeconds: 0, serverMs: { decode: 0, queue: 0, inference: 0, total: 0 }, batchSizeSum: 0 };
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let next = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const image = job.images[next++ % job.images.length]!;
      const t0 = performance.now();
      try {
        const res = await fetch(`${job.url}/classify?top=1`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image });
        const body = (await res.json()) as { timing_ms?: LoadResult['serverMs']; batch_size?: number };
        if (res.status !== 200 || !body.timing_ms) {
          result.failures++;
          continue;
        }
        result.latenciesMs.push(performance.now() - t0);
        for (const key of ['decode', 'queue', 'inference', 'total'] as const) result.serverMs[key] += body.timing_ms[key];
        result.batchSizeSum += body.batch_size ?? 1;
      } catch {
        result.failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  result.elapsedSeconds = (performance.now() - started) / 1000;
  return result;
}

parentPort!.postMessage(await run(workerData as LoadJob));
