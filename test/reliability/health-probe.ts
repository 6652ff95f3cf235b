// A health probe in its own process: GET /v2/health/live on one keep-alive connection every few
// milliseconds, each answer timed from the moment its request was written. It runs apart from the test
// process on purpose: the test's attack clients keep their own event loop busy (hundreds of megabytes read),
// and a probe sharing that loop would time the client's delays, not the server's. For the slowest answer it
// also tells how the server's main thread spent that time (/proc/<pid>/task/<pid>/schedstat read when the
// request was sent and when its answer came): on a CPU, or ready to run and waiting for one — on a shared
// host the second is the other tenants' doing, not the server's.
//   startHealthProbe(url, serverPid) → stop() → { count, maxMs, p50Ms, p99Ms, over, failures, slowest }
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ProbeResult {
  /** Answers received. */
  count: number;
  maxMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers slower than the bound given to startHealthProbe. */
  over: number;
  /** Requests whose answer was not a 200 (or that failed). */
  failures: number;
  /** The slowest answer, and the server's main thread meanwhile: ms on a CPU, ms waiting for one. */
  slowest: { ms: number; serverCpuMs: number; serverWaitMs: number };
}

export interface HealthProbe {
  stop(): Promise<ProbeResult>;
}

/** Starts the probe process; it probes every `intervalMs` until stop(). */
export function startHealthProbe(url: string, serverPid: number, intervalMs = 25, boundMs = 100): Promise<HealthProbe> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), url, String(serverPid), String(intervalMs), String(boundMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (!output.includes('probing\n')) return;
      child.stdout.off('data', onData);
      resolve({
        async stop() {
          child.stdin.end();
          await exited;
          const line = output.split('\n').find((l) => l.startsWith('{'));
          if (!line) throw new Error(`the health probe printed no result: ${output}`);
          return JSON.parse(line) as ProbeResult;
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the health probe exited before probing: ${output}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The server's main thread's time on a CPU and waiting for one, in ms. */
function schedule(pid: number): [number, number] {
  const [cpu, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return [cpu! / 1e6, wait! / 1e6];
}

/** The probe loop (the child process). */
function probe(url: URL, serverPid: number, intervalMs: number, boundMs: number): void {
  const latencies: number[] = [];
  let failures = 0;
  let sentAt = 0;
  let scheduleAtSend: [number, number] = [0, 0];
  let slowest = { ms: 0, serverCpuMs: 0, serverWaitMs: 0 };
  const record = (ms: number) => {
    latencies.push(ms);
    if (ms <= slowest.ms) return;
    const [cpu, wait] = schedule(serverPid);
    const round = (x: number) => Math.round(x * 10) / 10;
    slowest = { ms: round(ms), serverCpuMs: round(cpu - scheduleAtSend[0]), serverWaitMs: round(wait - scheduleAtSend[1]) };
  };
  let waiting = false;
  let buffered = '';
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  socket.setNoDelay(true);
  const request = `GET /v2/health/live HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    if (!buffered.startsWith('HTTP/1.1 200')) failures++;
    record(performance.now() - sentAt);
    buffered = buffered.slice(end + 4 + length);
    waiting = false;
  });
  socket.on('error', () => failures++);
  socket.once('connect', () => process.stdout.write('probing\n'));
  const timer = setInterval(() => {
    if (waiting || socket.connecting) return;
    waiting = true;
    scheduleAtSend = schedule(serverPid);
    sentAt = performance.now();
    socket.write(request);
  }, intervalMs);
  process.stdin.resume();
  process.stdin.on('end', () => {
    clearInterval(timer);
    // A request still unanswered when the probe stops counts with the time it has waited so far.
    if (waiting) record(performance.now() - sentAt);
    socket.destroy();
    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const result: ProbeResult = { count: latencies.length, maxMs: round(sorted.at(-1) ?? NaN), p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), over: sorted.filter((ms) => ms > boundMs).length, failures, slowest };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  probe(new URL(process.argv[2]!), Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
}
