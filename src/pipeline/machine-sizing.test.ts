import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendSelection } from '@onnx-edge/train';
import { CPU_DEFAULT, hasCudaTraining, sizeTraining } from './machine-sizing.ts';

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

test('a CPU gets one epoch of every image, says how long and how good that is, and how to ask for more', () => {
  const size = sizeTraining(wasm, {});
  assert.deepEqual([size.profile, size.epochs, size.limit, size.valLimit, size.batchSize], ['cpu-default', CPU_DEFAULT.epochs, undefined, undefined, 64]);
  assert.match(size.explanation, /^1 epoch on all training images in batches of 64: the CPU default \(about 6 minutes on 2 idle cores; on CIFAR-10, ≥ 60% on its 10,000 test images\)/);
  assert.match(size.more, /--epochs 5 --batch-size 128/);
});

test('flags override the sizing; --limit all means every image', () => {
  const size = sizeTraining(wasm, { epochs: 2, limit: 'all' });
  assert.deepEqual([size.profile, size.epochs, size.limit], ['custom', 2, undefined]);
  assert.equal(sizeTraining(cuda, { limit: 300 }).limit, 300);
  assert.equal(sizeTraining(wasm, { batchSize: 128 }).batchSize, 128);
});
