import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '@onnx-edge/export';
import { createSession, cudaLibraryInstalled, runModel } from './session.ts';
import { WorkerRunner } from './worker-runner.ts';

let dir: string;
let modelPath: string;

before(async () => {
  await tf.setBackend('cpu');
  // A small classifier exported by the project: flatten → dense(10, softmax).
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 10, activation: 'softmax', name: 'probabilities' })] });
  dir = await mkdtemp(join(tmpdir(), 'onnx-edge-session-'));
  modelPath = join(dir, 'model.onnx');
  await writeFile(modelPath, exportModel(model).bytes);
});

after(() => rm(dir, { recursive: true, force: true }));

const input = (batch: number, side = 32) => [{
  name: 'input', datatype: 'FP32' as const, shape: [batch, 3, side, side], data: Float32Array.from({ length: batch * 3 * side * side }, (_, i) => (i % 255) / 255),
}];

test('ep auto falls back to CPU and says why; ep cpu uses CPU', async (t) => {
  if (cudaLibraryInstalled()) t.skip('this host has the CUDA provider library');
  const auto = await createSession(modelPath, { ep: 'auto', intraOpThreads: 1 });
  assert.equal(auto.executionProvider, 'cpu');
  assert.match(auto.reason, /CUDA provider library is not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  const out = await runModel(auto.session, input(2));
  assert.deepEqual([out.probabilities?.datatype, out.probabilities?.shape, out.probabilities?.data.length], ['FP32', [2, 10], 20]);
  await auto.session.release();
  const cpu = await createSession(modelPath, { ep: 'cpu', intraOpThreads: 1 });
  assert.equal(cpu.executionProvider, 'cpu');
  await cpu.session.release();
});

test('ep cuda without a usable CUDA provider is an error that names the way out', async (t) => {
  if (cudaLibraryInstalled()) t.skip('this host has the CUDA provider library');
  await assert.rejects(createSession(modelPath, { ep: 'cuda', intraOpThreads: 1 }), /CUDA execution provider could not be loaded .*use --ep auto or --ep cpu/);
});

test('a worker thread runs the same numbers as an in-thread session, and reports load failures', async () => {
  const worker = await WorkerRunner.start({ modelPath, ep: 'cpu', intraOpThreads: 1 });
  try {
    assert.equal(worker.info.executionProvider, 'cpu');
    assert.deepEqual(worker.info.inputs, [{ name: 'input', type: 'float32', shape: [-1, 3, 32, 32] }]);
    assert.deepEqual(worker.info.outputs.map((o) => [o.name, o.type, o.shape.at(-1)]), [['probabilities', 'float32', 10]]);
    const { session } = await createSession(modelPath, { ep: 'cpu', intraOpThreads: 1 });
    const expected = await runModel(session, input(3));
    await session.release();
    const [a, b] = await Promise.all([worker.run(input(3)), worker.run(input(3))]);
    assert.deepEqual(a!.outputs.probabilities, expected.probabilities);
    assert.deepEqual(b!.outputs.probabilities, expected.probabilities);
    assert.ok(a!.seconds > 0);
    await assert.rejects(worker.run(input(1, 16)), /./, 'a bad shape fails that run only');
    assert.equal((await worker.run(input(1))).outputs.probabilities?.data.length, 10);
  } finally {
    await worker.close();
  }
  await assert.rejects(WorkerRunner.start({ modelPath: join(dir, 'missing.onnx'), ep: 'cpu', intraOpThreads: 1 }), /cannot load/);
});
