import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor, int64Tensor } from '../ir/tensor.ts';
import { run, valuesWithoutShape } from './shape-inference.ts';

test('shapes flow through conv, pooling, flatten, gemm, concat, transpose and gather', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 32, 32]);
  const conv = g.addNode('Conv', [x, g.addConstant('w', floatTensor([8, 3, 3, 3], new Float32Array(216)))], { strides: [2, 2], pads: [0, 0, 1, 1] }).outputs[0]!;
  const pool = g.addNode('MaxPool', [conv], { kernel_shape: [2, 2], strides: [2, 2] }).outputs[0]!;
  const cat = g.addNode('Concat', [pool, pool], { axis: 1 }).outputs[0]!;
  const gap = g.addNode('GlobalAveragePool', [cat]).outputs[0]!;
  const flat = g.addNode('Flatten', [gap], { axis: 1 }).outputs[0]!;
  const gemm = g.addNode('Gemm', [flat, g.addConstant('k', floatTensor([16, 10], new Float32Array(160)))]).outputs[0]!;
  const t = g.addNode('Transpose', [pool], { perm: [0, 2, 3, 1] }).outputs[0]!;
  const gathered = g.addNode('Gather', [gemm, g.addConstant('i', int64Tensor([3], [0, 1, 2]))], { axis: 1 }).outputs[0]!;
  g.markOutput(gathered, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(conv.shape, ['N', 8, 16, 16]);
  assert.deepEqual(pool.shape, ['N', 8, 8, 8]);
  assert.deepEqual(cat.shape, ['N', 16, 8, 8]);
  assert.deepEqual(flat.shape, ['N', 16]);
  assert.deepEqual(gemm.shape, ['N', 10]);
  assert.deepEqual(t.shape, ['N', 8, 8, 8]);
  assert.deepEqual(gathered.shape, ['N', 3]);
  assert.deepEqual(valuesWithoutShape(g), []);
});

test('SAME_UPPER auto padding gives ceil(in / stride); an op without a rule stays unshaped', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 7, 7]);
  const pool = g.addNode('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }).outputs[0]!;
  const odd = g.addNode('SomethingNew', [pool]).outputs[0]!;
  g.markOutput(odd, 'y');
  run(g);
  assert.deepEqual(pool.shape, ['N', 1, 4, 4]);
  assert.deepEqual(valuesWithoutShape(g), [odd]);
});

test('ConvTranspose output size follows stride, kernel, pads and output_padding', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 2, 5, 5]);
  const w = g.addConstant('w', floatTensor([2, 3, 2, 2], new Float32Array(24)));
  const y = g.addNode('ConvTranspose', [x, w], { strides: [3, 3], pads: [0, 0, 0, 0], output_padding: [1, 1] }).outputs[0]!;
  g.markOutput(g.addNode('Sigmoid', [y]).outputs[0]!, 'out');
  run(g);
  // 3·(5 − 1) + 1 + 2 − 0 = 15
  assert.deepEqual(y.shape, ['N', 3, 15, 15]);
});

test('a dim that is a function of an input symbol gets a name of its own, never the input symbol', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 'h', 'w']);
  const w = g.addConstant('w', floatTensor([8, 3, 3, 3], new Float32Array(216)));
  const same = g.addNode('Conv', [x, w], { auto_pad: 'SAME_UPPER' }).outputs[0]!;
  const strided = g.addNode('Conv', [x, w], { strides: [2, 2], pads: [0, 0, 0, 0] }).outputs[0]!;
  const sameStrided = g.addNode('Conv', [x, w], { strides: [2, 2], auto_pad: 'SAME_UPPER' }).outputs[0]!;
  const pool = g.addNode('MaxPool', [same], { kernel_shape: [2, 2], strides: [2, 2] }).outputs[0]!;
  const up = g.addNode('Resize', [same, g.addConstant('roi', floatTensor([0], [])), g.addConstant('scales', floatTensor([4], [1, 1, 2, 3]))]).outputs[0]!;
  const d2s = g.addNode('DepthToSpace', [same], { blocksize: 2 }).outputs[0]!;
  const padded = g.addNode('Pad', [x, g.addConstant('pads', int64Tensor([8], [0, 0, 1, 2, 0, 0, 1, 2]))]).outputs[0]!;
  const cropped = g.addNode('Slice', [x, g.addConstant('starts', int64Tensor([1], [1])), g.addConstant('ends', int64Tensor([1], [-2])), g.addConstant('axes', int64Tensor([1], [2]))]).outputs[0]!;
  const flat = g.addNode('Reshape', [same, g.addConstant('shape', int64Tensor([3], [0, 8, -1]))]).outputs[0]!;
  const sum = g.addNode('Add', [same, d2s]).outputs[0]!;
  for (const [i, v] of [strided, sameStrided, pool, up, padded, cropped, flat, sum].entries()) g.markOutput(v, `y${i}`);
  run(g);
  assert.deepEqual(same.shape, ['N', 8, 'h', 'w']);
  assert.deepEqual(strided.shape, ['N', 8, 'floor((h-3)/2)+1', 'floor((w-3)/2)+1']);
  assert.deepEqual(sameStrided.shape, ['N', 8, 'ceil(h/2)', 'ceil(w/2)']);
  assert.deepEqual(pool.shape, ['N', 8, 'floor((h-2)/2)+1', 'floor((w-2)/2)+1']);
  assert.deepEqual(up.shape, ['N', 8, '2*h', '3*w']);
  assert.deepEqual(d2s.shape, ['N', 2, '2*h', '2*w']);
  assert.deepEqual(padded.shape, ['N', 3, 'h+2', 'w+4']);
  assert.deepEqual(cropped.shape, ['N', 3, 'h-3', 'w']);
  assert.deepEqual(flat.shape, ['N', 8, 'h*w']);
  // Two different symbols broadcast to a dim that may be either: unnamed.
  assert.deepEqual(sum.shape, ['N', 8, '?', '?']);
});

test('a declared shape keeps its numbers and symbols; its unknown dims take the inferred ones', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 4, 'h']);
  const y = g.addNode('Relu', [x]).outputs[0]!;
  y.shape = ['N', 4, '?'];
  const z = g.addNode('SomethingNew', [y]).outputs[0]!;
  z.shape = ['N', '?'];
  g.markOutput(z, 'z');
  run(g);
  assert.deepEqual(y.shape, ['N', 4, 'h']);
  assert.deepEqual(z.shape, ['N', '?']);
});
