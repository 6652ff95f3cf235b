// Choosing the training kernels: auto takes onnxruntime when it starts and otherwise says in one line why it
// trains on wasm; an explicit choice that cannot run fails with the reason and the fix; backends other than
// wasm keep their own kernels.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend/select.ts';
import { selectTrainingKernels } from './select.ts';

const broken = () => ({ ok: false as const, why: 'the binding is gone (test)' });

before(async () => {
  await selectBackend('wasm', () => {});
});

test('auto on wasm takes onnxruntime and says so in one line; release restores the wasm kernels', () => {
  const before = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  const lines: string[] = [];
  const selection = selectTrainingKernels('auto', 'wasm', (line) => lines.push(line));
  assert.equal(selection.name, 'ort');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^kernels: ort — onnxruntime-node \(\d+ threads?\) for the convolutions, matrix products and large reductions; the rest on wasm \(Conv2D, FusedConv2D, /);
  assert.notEqual(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, before);
  selection.release();
  assert.equal(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, before);
});

test('auto falls back to wasm with one line naming why onnxruntime did not start', () => {
  const lines: string[] = [];
  const selection = selectTrainingKernels('auto', 'wasm', (line) => lines.push(line), { startRuntime: broken });
  assert.equal(selection.name, 'wasm');
  assert.deepEqual(lines, ['kernels: wasm — onnxruntime kernels could not start: the binding is gone (test)']);
  selection.release();
});

test('an explicit ort that cannot start fails with the reason and the way out', () => {
  assert.throws(() => selectTrainingKernels('ort', 'wasm', () => {}, { startRuntime: broken }), /^Error: --kernels ort cannot start: the binding is gone \(test\) \(--kernels wasm trains without it\)$/);
});

test('other backends keep their own kernels; asking them for ort is an error', () => {
  const lines: string[] = [];
  assert.equal(selectTrainingKernels('auto', 'cpu', (line) => lines.push(line)).name, 'cpu');
  assert.deepEqual(lines, []);
  assert.throws(() => selectTrainingKernels('ort', 'webgpu', () => {}), /--kernels ort applies to the wasm backend only; the webgpu backend computes its own kernels/);
});

test('wasm, asked for, says so', () => {
  const lines: string[] = [];
  const selection = selectTrainingKernels('wasm', 'wasm', (line) => lines.push(line));
  assert.equal(selection.name, 'wasm');
  assert.match(lines[0]!, /^kernels: wasm — XNNPACK and the project's wasm kernels, one thread \(--kernels wasm\)$/);
  selection.release();
});
