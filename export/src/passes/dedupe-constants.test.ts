import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { run } from './dedupe-constants.ts';

test('equal constants are merged; same shape with other bytes, or other shape, are kept', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 2]);
  const a = g.addConstant('a', floatTensor([2], [1, 2]));
  const b = g.addConstant('b', floatTensor([2], [1, 2]));
  const c = g.addConstant('c', floatTensor([2], [1, 3]));
  const d = g.addConstant('d', floatTensor([1, 2], [1, 2]));
  let y = x;
  for (const k of [a, b, c, d]) y = g.addNode('Add', [y, k]).outputs[0]!;
  g.markOutput(y, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.constants.map((v) => v.name), ['a', 'c', 'd']);
  assert.equal(g.nodes[1]!.inputs[1], a);
  assert.equal(run(g), false);
});
