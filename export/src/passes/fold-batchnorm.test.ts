import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { run } from './fold-batchnorm.ts';

function bnInputs(g: Graph) {
  return [
    g.addConstant('gamma', floatTensor([2], [2, 0.5])),
    g.addConstant('beta', floatTensor([2], [1, -1])),
    g.addConstant('mean', floatTensor([2], [0.5, 2])),
    g.addConstant('var', floatTensor([2], [3, 0.25])),
  ];
}

test('BatchNormalization after a Conv is folded into its weights and bias', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 1, 1]);
  const w = g.addConstant('w', floatTensor([2, 1, 1, 1], [1, 4]));
  const conv = g.addNode('Conv', [x, w], { kernel_shape: [1, 1] }).outputs[0]!;
  g.markOutput(g.addNode('BatchNormalization', [conv, ...bnInputs(g)], { epsilon: { kind: 'float', value: 1 } }).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Conv']);
  const [, weight, bias] = g.nodes[0]!.inputs;
  // s = gamma / sqrt(var + eps) = [2/2, 0.5/1.25]
  const s = [1, 0.5 / Math.sqrt(1.25)];
  assert.deepEqual([...weight!.constant!.data as Float32Array], [1 * s[0]!, 4 * s[1]!].map(Math.fround));
  assert.deepEqual([...bias!.constant!.data as Float32Array], [(0 - 0.5) * s[0]! + 1, (0 - 2) * s[1]! - 1].map(Math.fround));
  assert.equal(g.outputs[0]!.name, 'y');
  assert.deepEqual(g.constants.map((c) => c.name).sort(), [bias!.name, weight!.name].sort(), 'old weights and BN constants pruned');
});

test('BatchNormalization after a grouped ConvTranspose scales each output channel\'s weights ([in, out/group, k])', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 2, 1, 1]);
  // 2 groups, 1 input and 1 output channel each, kernel 1×2: input 0 → output 0, input 1 → output 1.
  const w = g.addConstant('w', floatTensor([2, 1, 1, 2], [1, 2, 3, 4]));
  const conv = g.addNode('ConvTranspose', [x, w], { group: { kind: 'int', value: 2 }, kernel_shape: [1, 2] }).outputs[0]!;
  g.markOutput(g.addNode('BatchNormalization', [conv, ...bnInputs(g)], { epsilon: { kind: 'float', value: 1 } }).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['ConvTranspose']);
  const [, weight, bias] = g.nodes[0]!.inputs;
  const s = [1, 0.5 / Math.sqrt(1.25)];
  assert.deepEqual([...weight!.constant!.data as Float32Array], [1 * s[0]!, 2 * s[0]!, 3 * s[1]!, 4 * s[1]!].map(Math.fround));
  assert.deepEqual([...bias!.constant!.data as Float32Array], [(0 - 0.5) * s[0]! + 1, (0 - 2) * s[1]! - 1].map(Math.fround));
});

test('BatchNormalization is not folded when the Conv output has another use', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 1, 1]);
  const conv = g.addNode('Conv', [x, g.addConstant('w', floatTensor([2, 1, 1, 1], [1, 4]))]).outputs[0]!;
  const bn = g.addNode('BatchNormalization', [conv, ...bnInputs(g)]).outputs[0]!;
  g.markOutput(g.addNode('Add', [bn, conv]).outputs[0]!, 'y');
  assert.equal(run(g), false);
});
