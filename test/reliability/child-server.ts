// The server as an operator runs it: `node bin/onnx-edge.js serve …` in a child process, so that signals
// reach a real process, its exit code is seen, and its memory (RSS) is its own, read from /proc.
import { readFileSync } from 'node:fs';
import { cleanEnv, startCli, type CliRun } from '../pipeline/cli-process.ts';

export interface ChildServer {
  run: CliRun;
  url: string;
  pid: number;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rssBytes(): number;
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
    stop: async () => {
      if (run.child.exitCode === null) run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}
