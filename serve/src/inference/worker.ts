// Worker thread that owns one onnxruntime session. onnxruntime-node's run() blocks the thread that calls
// it, so inference lives here and the main thread keeps accepting requests and decoding images meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createSession, runModel, type SessionSettings } from './session.ts';
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorInfo, WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.ts';

const port = parentPort!;
const setup = workerData as WorkerSetup;

try {
  const settings: SessionSettings = { ep: setup.ep, intraOpThreads: setup.intraOpThreads, allowSpinning: false };
  const loaded = await createSession(setup.modelPath, settings);
  const describe = (value: InferenceSession.ValueMetadata): TensorInfo => value.isTensor
    ? { name: value.name, type: value.type, shape: value.shape.map((d) => (typeof d === 'number' ? d : -1)) }
    : { name: value.name, type: 'not a tensor', shape: [] };
  const reply: WorkerReply = {
    type: 'ready',
    executionProvider: loaded.executionProvider,
    reason: loaded.reason,
    inputs: loaded.session.inputMetadata.map(describe),
    outputs: loaded.session.outputMetadata.map(describe),
  };
  port.postMessage(reply);
  // Runs strictly one at a time, in arrival order. The batcher gives each worker one batch at a time, but
  // a batch that arrives during a run is still queued here, and its timing excludes the wait.
  const waiting: { request: WorkerRequest; receivedAt: number }[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      const { request, receivedAt } = next;
      try {
        const started = performance.now();
        const outputs = await runModel(loaded.session, request.inputs);
        const reply: WorkerReply = { type: 'result', id: request.id, outputs, seconds: (performance.now() - started) / 1000, waitedSeconds: (started - receivedAt) / 1000 };
        port.postMessage(reply, [...new Set(Object.values(outputs).map((o) => o.data.buffer as ArrayBuffer))]);
      } catch (err) {
        port.postMessage({ type: 'error', id: request.id, message: (err as Error).message } satisfies WorkerReply);
      }
    }
    busy = false;
  };
  port.on('message', (request: WorkerRequest) => {
    waiting.push({ request, receivedAt: performance.now() });
    if (!busy) void drain();
  });
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message } satisfies WorkerReply);
}
