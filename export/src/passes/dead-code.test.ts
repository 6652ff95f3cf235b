import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { run } from './dead-code.ts';

test('chains that reach no output are removed with their constants', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 2]);
  const c = g.addConstant('c', floatTensor([2], [1, 2]));
  const dead = g.addNode('Add', [x, c]).outputs[0]!;
  g.addNode('Relu', [dead]);
  g.markOutput(g.addNode('Sigmoid', [x]).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Sigmoid']);
  assert.equal(g.constants.length, 0);
  assert.equal(run(g), false);
});
