import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { run } from './fold-conv-affine.ts';

function convGraph(withBias: boolean) {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 3, 3]);
  const inputs = [x, g.addConstant('w', floatTensor([2, 1, 1, 1], [1, 4]))];
  if (withBias) inputs.push(g.addConstant('b', floatTensor([2], [0.5, -1])));
  return { g, conv: g.addNode('Conv', inputs, { kernel_shape: [1, 1] }).outputs[0]! };
}

test('a per-channel Mul then Add after a Conv fold into its weights and bias', () => {
  const { g, conv } = convGraph(true);
  const scaled = g.addNode('Mul', [conv, g.addConstant('s', floatTensor([1, 2, 1, 1], [2, 3]))]).outputs[0]!;
  g.markOutput(g.addNode('Add', [g.addConstant('t', floatTensor([2, 1, 1], [10, 20])), scaled]).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Conv']);
  const [, weight, bias] = g.nodes[0]!.inputs;
  assert.deepEqual([...weight!.constant!.data as Float32Array], [2, 12]);
  assert.deepEqual([...bias!.constant!.data as Float32Array], [0.5 * 2 + 10, -1 * 3 + 20]);
  assert.equal(g.outputs[0]!.name, 'y');
  assert.deepEqual(g.constants.map((c) => c.name).sort(), [bias!.name, weight!.name].sort(), 'the old constants are pruned');
});

test('a scalar Add becomes the bias of a Conv that had none', () => {
  const { g, conv } = convGraph(false);
  g.markOutput(g.addNode('Add', [conv, g.addConstant('t', floatTensor([], [0.25]))]).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual([...g.nodes[0]!.inputs[2]!.constant!.data as Float32Array], [0.25, 0.25]);
});

test('nothing folds when the constant varies over H or W, or when the Conv output has another use', () => {
  const spatial = convGraph(true);
  spatial.g.markOutput(spatial.g.addNode('Mul', [spatial.conv, spatial.g.addConstant('s', floatTensor([2, 1, 3], [1, 2, 3, 4, 5, 6]))]).outputs[0]!, 'y');
  assert.equal(run(spatial.g), false);
  const lastAxis = convGraph(true);
  lastAxis.g.markOutput(lastAxis.g.addNode('Add', [lastAxis.conv, lastAxis.g.addConstant('t', floatTensor([2], [1, 2]))]).outputs[0]!, 'y');
  assert.equal(run(lastAxis.g), false, 'a [C] constant broadcasts along W, not along the channels');
  const shared = convGraph(true);
  const added = shared.g.addNode('Add', [shared.conv, shared.g.addConstant('t', floatTensor([], [1]))]).outputs[0]!;
  shared.g.markOutput(shared.g.addNode('Mul', [added, shared.conv]).outputs[0]!, 'y');
  assert.equal(run(shared.g), false);
});
