import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../ir/graph.ts';
import { run } from './eliminate-noops.ts';

test('Identity and Dropout between nodes are removed and their uses rewired', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 4]);
  const relu = g.addNode('Relu', [x]).outputs[0]!;
  const id = g.addNode('Identity', [relu]).outputs[0]!;
  const drop = g.addNode('Dropout', [id]).outputs[0]!;
  g.markOutput(g.addNode('Sigmoid', [drop]).outputs[0]!, 'y');
  assert.equal(run(g), true);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu', 'Sigmoid']);
  assert.equal(g.nodes[1]!.inputs[0], relu);
  assert.equal(run(g), false);
});

test('an Identity that is the graph output hands its name to its input; one on a graph input stays', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 4]);
  const relu = g.addNode('Relu', [x]).outputs[0]!;
  g.markOutput(g.addNode('Identity', [relu]).outputs[0]!, 'y');
  run(g);
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu']);
  assert.equal(g.outputs[0], relu);
  assert.equal(relu.name, 'y');

  const h = new Graph('h');
  const input = h.addInput('x', 'float32', ['N', 4]);
  h.markOutput(h.addNode('Identity', [input]).outputs[0]!, 'y');
  assert.equal(run(h), false);
});
