// Closed-loop HTTP load in its own thread, so the client's work does not run on the server's event loop:
// `concurrency` keep-alive connections each POST an image to /classify, wait for the answer, and send the
// next, until the deadline. Reports every latency and the server's own timing breakdown.
import { HttpConnection, requestBytes } from '@onnx-edge/serve/testing/http-connection';
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
  /** Busy fraction of this client thread's event loop. */
  clientUtilization: number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  // Prepared bytes and a lean connection (testing/http-connection.ts), like wrk: on a small host every
  // cycle the client spends is taken from the server it measures.
  const requests = job.images.map((image) => requestBytes(url, 'POST', '/classify?top=1', 'image/png', image));
  const result: LoadResult = { latenciesMs: [], failures: 0, elapsedSeconds: 0, serverMs: { decode: 0, queue: 0, inference: 0, total: 0 }, batchSizeSum: 0, clientUtilization: 0 };
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let next = 0;
  const loop = async () => {
    let connection = await HttpConnection.open(url);
    while (performance.now() < deadline) {
      const request = requests[next++ % requests.length]!;
      const t0 = performance.now();
      try {
        const { status, body } = await connection.send(request);
        const json = JSON.parse(body) as { timing_ms?: LoadResult['serverMs']; batch_size?: number };
        if (status !== 200 || !json.timing_ms) {
          result.failures++;
          continue;
        }
        result.latenciesMs.push(performance.now() - t0);
        for (const key of ['decode', 'queue', 'inference', 'total'] as const) result.serverMs[key] += json.timing_ms[key];
        result.batchSizeSum += json.batch_size ?? 1;
      } catch {
        result.failures++;
        connection.close();
        connection = await HttpConnection.open(url);
      }
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.clientUtilization = performance.eventLoopUtilization(elu).utilization;
  return result;
}

parentPort!.postMessage(await run(workerData as LoadJob));
