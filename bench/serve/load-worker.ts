// Closed-loop HTTP load in its own thread, so the client's work does not run on the server's event loop:
// `concurrency` keep-alive connections each send one of the prepared requests (requests.ts: an image to
// /classify, or a tensor to v2 infer), wait for the answer, and send the next, until the deadline. Reports
// every latency, and for /classify the server's own timing breakdown (v2 answers carry none).
import { HttpConnection, type HttpAnswer } from '@onnx-edge/serve/testing';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';

const RECONNECT_PAUSE_MS = 10;

export interface LoadJob {
  url: string;
  /** Whole requests as they go on the wire, sent in turn. */
  requests: Uint8Array[];
  /** Answers of /classify must carry timing_ms; any other route's 200 is a success. */
  timed: boolean;
  concurrency: number;
  seconds: number;
}

export interface LoadResult {
  latenciesMs: number[];
  failures: number;
  elapsedSeconds: number;
  /** Sums of the server's timing_ms over successful answers, and of their batch sizes (zero for untimed routes). */
  serverMs: { decode: number; queue: number; inference: number; total: number };
  batchSizeSum: number;
  /** Busy fraction of this client thread's event loop. */
  clientUtilization: number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  // Prepared bytes and a lean connection (testing/http-connection.ts), like wrk: on a small host every
  // cycle the client spends is taken from the server it measures.
  const { requests } = job;
  const result: LoadResult = { latenciesMs: [], failures: 0, elapsedSeconds: 0, serverMs: { decode: 0, queue: 0, inference: 0, total: 0 }, batchSizeSum: 0, clientUtilization: 0 };
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let next = 0;
  const record = (answer: HttpAnswer, sentAt: number): boolean => {
    if (answer.status !== 200) return false;
    if (!job.timed) {
      result.latenciesMs.push(performance.now() - sentAt);
      return true;
    }
    const json = JSON.parse(answer.body) as { timing_ms?: LoadResult['serverMs']; batch_size?: number };
    if (!json.timing_ms) return false;
    result.latenciesMs.push(performance.now() - sentAt);
    for (const key of ['decode', 'queue', 'inference', 'total'] as const) result.serverMs[key] += json.timing_ms[key];
    result.batchSizeSum += json.batch_size ?? 1;
    return true;
  };
  const loop = async () => {
    let connection: HttpConnection | undefined;
    while (performance.now() < deadline) {
      const request = requests[next++ % requests.length]!;
      const sentAt = performance.now();
      try {
        connection ??= await HttpConnection.open(url);
        if (!record(await connection.send(request), sentAt)) result.failures++;
      } catch {
        // A refused or dropped connection is a failure to count, not the end of the measurement: the next
        // request opens a new one, after a pause so that a server that is down is not hammered in a loop.
        result.failures++;
        connection?.close();
        connection = undefined;
        await setTimeout(RECONNECT_PAUSE_MS);
      }
    }
    connection?.close();
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.clientUtilization = performance.eventLoopUtilization(elu).utilization;
  return result;
}

parentPort!.postMessage(await run(workerData as LoadJob));
