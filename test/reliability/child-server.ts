// The server as an operator runs it: `node bin/onnx-edge.js serve …` in a child process, so that signals
// reach a real process, its exit code is seen, and its memory (RSS) and CPU time are its own, read from /proc.
import { readFileSync } from 'node:fs';
import { cleanEnv, startCli, type CliRun } from '../pipeline/cli-process.ts';
import { rawRequest } from './harness.ts';

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildServer {
  run: CliRun;
  url: string;
  pid: number;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rssBytes(): number;
  /** CPU time of the whole server process (every thread), in ms. */
  cpuMs(): number;
  /**
   * Its main thread as the kernel scheduler saw it (/proc/<pid>/task/<pid>/schedstat): time on a CPU and time
   * ready to run but waiting for one. A slow answer with a long wait and little CPU is the machine's doing
   * (this host is shared), not the server's.
   */
  mainThreadSchedule(): { cpuMs: number; waitMs: number };
  /** The server's longest event-loop delay since the last call, in ms (prom-client resets it per scrape). */
  eventLoopDelayMs(): Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `onnx-edge serve --repo <repo> --port 0 …flags` and waits for its URL. */
export async function startChildServer(repo: string, flags: string[] = [], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<ChildServer> {
  const run = startCli(['serve', '--repo', repo, '--port', '0', '--log-level', 'warn', ...flags], cleanEnv(env));
  const [, url] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs);
  const pid = run.child.pid!;
  return {
    run,
    url: url!,
    pid,
    rssBytes: () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (!kb) throw new Error(`no VmRSS for process ${pid}`);
      return Number(kb) * 1024;
    },
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat (after the command name in parentheses): utime, stime in ticks.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    mainThreadSchedule: () => {
      const [cpu, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
      return { cpuMs: cpu! / 1e6, waitMs: wait! / 1e6 };
    },
    eventLoopDelayMs: async () => {
      const res = await rawRequest(url!, { path: '/metrics' });
      const seconds = /^onnx_edge_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(res.text)?.[1];
      if (seconds === undefined) throw new Error('the server reports no event-loop delay at /metrics');
      return Math.round(Number(seconds) * 1000 * 10) / 10;
    },
    stop: async () => {
      if (run.child.exitCode === null) run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}
