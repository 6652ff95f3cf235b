import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { run } from './cancel-transposes.ts';
import * as deadCode from './dead-code.ts';

test('a Transpose pair that restores the order disappears; other pairs become one Transpose', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 8, 8]);
  const relu = g.addNode('Relu', [x]).outputs[0]!;
  const toNhwc = g.addNode('Transpose', [relu], { perm: [0, 2, 3, 1] }).outputs[0]!;
  const back = g.addNode('Transpose', [toNhwc], { perm: [0, 3, 1, 2] }).outputs[0]!;
  const sigmoid = g.addNode('Sigmoid', [back]).outputs[0]!;
  const swap = g.addNode('Transpose', [toNhwc], { perm: [0, 2, 1, 3] }).outputs[0]!;
  g.markOutput(sigmoid, 'y');
  g.markOutput(swap, 'z');
  assert.equal(run(g), true);
  deadCode.run(g);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu', 'Sigmoid', 'Transpose']);
  assert.equal(g.nodes[1]!.inputs[0], relu);
  // NCHW x, NHWC then H↔W: z axis i is x axis [0, 3, 2, 1][i].
  assert.deepEqual(g.nodes[2]!.attr('perm'), { kind: 'ints', value: [0, 3, 2, 1] });
  assert.equal(g.nodes[2]!.inputs[0], relu);
});

test('a pair ending at a graph output moves the output name onto the source', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 8, 8]);
  const relu = g.addNode('Relu', [x]).outputs[0]!;
  const t = g.addNode('Transpose', [relu], { perm: [0, 2, 3, 1] }).outputs[0]!;
  g.markOutput(g.addNode('Transpose', [t], { perm: [0, 3, 1, 2] }).outputs[0]!, 'y');
  run(g);
  deadCode.run(g);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu']);
  assert.equal(g.outputs[0], relu);
  assert.equal(relu.name, 'y');
});

test('a Transpose moves down through elementwise ops (scalar side inputs) to meet its inverse', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 8, 8]);
  const relu = g.addNode('Relu', [x]).outputs[0]!;
  const toNhwc = g.addNode('Transpose', [relu], { perm: [0, 2, 3, 1] }).outputs[0]!;
  toNhwc.shape = ['N', 8, 8, 3];
  const scaled = g.addNode('Mul', [toNhwc, g.addConstant('beta', floatTensor([], [0.2]))]).outputs[0]!;
  scaled.shape = ['N', 8, 8, 3];
  const tanh = g.addNode('Tanh', [scaled]).outputs[0]!;
  const back = g.addNode('Transpose', [tanh], { perm: [0, 3, 1, 2] }).outputs[0]!;
  g.markOutput(g.addNode('Sigmoid', [back]).outputs[0]!, 'y');
  assert.equal(run(g), true);
  deadCode.run(g);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu', 'Mul', 'Tanh', 'Sigmoid']);
  assert.equal(g.nodes[1]!.inputs[0], relu);
  assert.equal(scaled.shape, undefined, 'laid out like the input now: shape inference recomputes it');
});

test('a per-channel constant depends on the layout: the Transposes around it stay', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 3, 8, 8]);
  const toNhwc = g.addNode('Transpose', [x], { perm: [0, 2, 3, 1] }).outputs[0]!;
  const biased = g.addNode('Add', [toNhwc, g.addConstant('bias', floatTensor([3], [1, 2, 3]))]).outputs[0]!;
  g.markOutput(g.addNode('Transpose', [biased], { perm: [0, 3, 1, 2] }).outputs[0]!, 'y');
  assert.equal(run(g), false);
});
