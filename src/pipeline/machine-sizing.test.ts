import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendSelection } from '@onnx-edge/train';
import { CPU_SHORT, hasCudaTraining, sizeTraining } from './machine-sizing.ts';

// Selections as selectBackend reports them on a CUDA host and on this project's CPU machine.
const cuda: BackendSelection = { name: 'tensorflow', reason: 'tfjs-node-gpu: libtensorflow with CUDA', skipped: [] };
const tfjsNodeCpu: BackendSelection = { name: 'tensorflow', reason: 'tfjs-node: libtensorflow on the CPU', skipped: [{ name: 'tensorflow-gpu', why: 'no CUDA device' }] };
const wasm: BackendSelection = { name: 'wasm', reason: 'WebAssembly', skipped: [{ name: 'tensorflow-gpu', why: 'no CUDA device' }, { name: 'tensorflow', why: 'not installed' }] };

test('only tfjs-node-gpu counts as CUDA training', () => {
  assert.equal(hasCudaTraining(cuda), true);
  assert.equal(hasCudaTraining(tfjsNodeCpu), false);
  assert.equal(hasCudaTraining(wasm), false);
});

test("a CUDA GPU gets the tutorial's full recipe: 5 epochs on all images", () => {
  const size = sizeTraining(cuda, {});
  assert.deepEqual([size.profile, size.epochs, size.limit, size.valLimit, size.batchSize], ['gpu-full', 5, undefined, undefined, undefined]);
  assert.match(size.explanation, /full recipe/);
});

test('a CPU gets the short default and is told how to ask for more', () => {
  const size = sizeTraining(wasm, {});
  assert.deepEqual([size.profile, size.epochs, size.limit, size.valLimit, size.batchSize], ['cpu-short', CPU_SHORT.epochs, CPU_SHORT.limit, CPU_SHORT.valLimit, 32]);
  assert.match(size.explanation, /about 10 minutes/);
  assert.match(size.more, /--epochs 5 --limit all --batch-size 128/);
});

test('flags override the sizing; --limit all means every image', () => {
  const size = sizeTraining(wasm, { epochs: 2, limit: 'all' });
  assert.deepEqual([size.profile, size.epochs, size.limit], ['custom', 2, undefined]);
  assert.equal(sizeTraining(cuda, { limit: 300 }).limit, 300);
  assert.equal(sizeTraining(wasm, { batchSize: 128 }).batchSize, 128);
});
