// Closed-loop HTTP load in its own thread, so the client's work does not run on the server's event loop:
// `concurrency` loops each POST an image to /classify, wait for the answer, and send the next, until the
// deadline. Reports every latency and the server's own timing breakdown.
import { Agent, request } from 'node:http';
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

// node:http with a keep-alive agent: a lighter client than fetch, so the load generator takes less of the
// CPU it shares with the server.
function post(agent: Agent, url: string, image: Uint8Array): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/classify?top=1`, { method: 'POST', agent, headers: { 'content-type': 'image/png', 'content-length': image.length } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(image);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const result: LoadResult = { latenciesMs: [], failures: 0, elapsedSeconds: 0, serverMs: { decode: 0, queue: 0, inference: 0, total: 0 }, batchSizeSum: 0, clientUtilization: 0 };
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let next = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const image = job.images[next++ % job.images.length]!;
      const t0 = performance.now();
      try {
        const { status, body } = await post(agent, job.url, image);
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
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  agent.destroy();
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.clientUtilization = performance.eventLoopUtilization(elu).utilization;
  return result;
}

parentPort!.postMessage(await run(workerData as LoadJob));
