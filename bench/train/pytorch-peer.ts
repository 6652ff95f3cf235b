// The PyTorch peer of `bench train`: pytorch_peer.py in a child process of /usr/bin/python3 (Debian's
// python3-torch), driven over JSON lines so that its timed steps interleave with ours. It builds each
// network from the tfjs model's own layer configs (model.toJSON()), so both train the same architecture.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pytorch_peer.py', import.meta.url));
export const INSTALL_HINT = 'apt-get install python3-torch';

export interface PeerSteps {
  /** Wall time of each step. */
  ms: number[];
  /** CPU time of all the peer's threads over these steps. */
  cpuMs: number;
}

export interface PytorchPeer {
  readonly version: string;
  readonly threads: number;
  /** Builds `model`'s architecture with fresh weights, Adam, and a random batch of `batchSize` images. */
  build(model: tf.LayersModel, batchSize: number): Promise<{ params: number }>;
  /** Times `count` Adam steps on the batch of the last build. */
  steps(count: number): Promise<PeerSteps>;
  close(): Promise<void>;
}

/** torch's version, or why this machine has none (one line, with the fix). */
export function pytorchAvailable(): { ok: true; version: string } | { ok: false; why: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, why: `${PYTHON} cannot run (${probe.error.message}): install Python 3 and ${INSTALL_HINT}` };
  if (probe.status !== 0) return { ok: false, why: `${PYTHON} has no torch: ${INSTALL_HINT} (Debian; not needed by the tests)` };
  return { ok: true, version: probe.stdout.trim() };
}

/**
 * Starts the peer with `threads` intra-op threads. Its OpenMP threads wait passively (OMP_WAIT_POLICY), as
 * onnxruntime's do in our training: spinning threads on a shared 2-core machine slow whoever runs next.
 */
export async function startPytorchPeer(threads: number): Promise<PytorchPeer> {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT, String(threads)], {
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (request: object): Promise<Record<string, unknown>> => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error(`the PyTorch peer exited (code ${child.exitCode}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
    const reply = JSON.parse(value as string) as Record<string, unknown>;
    if (typeof reply.error === 'string') throw new Error(`the PyTorch peer: ${reply.error}`);
    return reply;
  };
  let version = '';
  let actualThreads = threads;
  return {
    get version() { return version; },
    get threads() { return actualThreads; },
    async build(model, batchSize) {
      const reply = await ask({ cmd: 'build', model: model.toJSON(undefined, false), batch: batchSize });
      version = String(reply.torch);
      actualThreads = Number(reply.threads);
      return { params: Number(reply.params) };
    },
    async steps(count) {
      const reply = await ask({ cmd: 'time', steps: count });
      return { ms: reply.ms as number[], cpuMs: reply.cpuMs as number };
    },
    async close() {
      child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
      await new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
    },
  };
}
