import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

function featureMap(g: GraphBuilder, channels = 4): string {
  return g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.floats([1, 1, 3, channels], -1, 1)], conv);
}

test('ConcatV2 of NCHW feature maps along channels (stays NCHW: no Transpose before the next conv), along width, with a constant', async () => {
  const g = new GraphBuilder();
  const [a, b] = [featureMap(g, 4), featureMap(g, 2)];
  const channels = g.op('ConcatV2', [a, b, g.ints([-1], [])]);
  g.outputs.push(g.op('Conv2D', [channels, g.floats([1, 1, 6, 2])], conv, 'conv'));
  g.outputs.push(g.op('ConcatV2', [a, g.input([-1, 5, 3, 4]), g.ints([2], [])], {}, 'width'));
  g.outputs.push(g.op('ConcatV2', [g.input([-1, 3]), g.floats([1, 3]), g.ints([0], [])], {}, 'rows'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Transpose'], 2, 'only the two image outputs, back to TF layout');
});

for (const axis of [0, 1, -1]) {
  test(`Pack of three tensors along axis ${axis}, and of scalars (a shape vector)`, async () => {
    const g = new GraphBuilder();
    const parts = [g.input([2, 3]), g.input([2, 3]), g.floats([2, 3])];
    g.outputs.push(g.op('Pack', parts, { axis: attr.int(axis), N: attr.int(3) }, 'pack'));
    g.outputs.push(g.op('Pack', [g.op('Sum', [g.input([4]), g.ints([0])]), g.constant([2], [])], { axis: attr.int(0) }, 'scalars'));
    await assertGraphParity(g);
  });
}

for (const axis of [0, 1, 2, -1]) {
  test(`Unpack along axis ${axis} of NCHW data`, async () => {
    const g = new GraphBuilder();
    const y = g.op('Conv2D', [g.input([2, 3, 2, 3]), g.floats([1, 1, 3, 2], -1, 1)], conv);
    const sizes = [2, 3, 2, 2];
    const count = sizes[axis < 0 ? axis + 4 : axis]!;
    g.op('Unpack', [y], { axis: attr.int(axis), num: attr.int(count) }, 'unpack');
    g.outputs.push(...Array.from({ length: count }, (_, i) => (i === 0 ? 'unpack' : `unpack:${i}`)));
    await assertGraphParity(g);
  });
}

test('Split into equal parts along the channels of NCHW data and along a vector axis', async () => {
  const g = new GraphBuilder();
  g.op('Split', [g.ints([3], []), featureMap(g, 6)], { num_split: attr.int(3) }, 'channels');
  g.op('Split', [g.ints([-1], []), g.input([-1, 4])], { num_split: attr.int(2) }, 'vector');
  g.outputs.push('channels', 'channels:1', 'channels:2', 'vector', 'vector:1');
  await assertGraphParity(g);
});

test('SplitV with given sizes and a -1 remainder', async () => {
  const g = new GraphBuilder();
  g.op('SplitV', [featureMap(g, 6), g.ints([1, -1, 2]), g.ints([3], [])], { num_split: attr.int(3) }, 'channels');
  g.op('SplitV', [g.input([2, 7]), g.ints([4, 3]), g.ints([1], [])], { num_split: attr.int(2) }, 'rows');
  g.outputs.push('channels', 'channels:1', 'channels:2', 'rows', 'rows:1');
  await assertGraphParity(g);
});

test('Tile NCHW data and a matrix', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Tile', [featureMap(g), g.ints([1, 2, 1, 3])], {}, 'image'));
  g.outputs.push(g.op('Tile', [g.input([2, 3]), g.ints([3, 1])], {}, 'matrix'));
  await assertGraphParity(g);
});

test('Concat (axis first) of NCHW feature maps along channels; BroadcastTo a matrix and a vector', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Concat', [g.ints([3], []), featureMap(g, 2), featureMap(g, 3)], { N: attr.int(2) }, 'concat'));
  g.outputs.push(g.op('BroadcastTo', [g.input([1, 4]), g.ints([3, 4])], {}, 'rows'));
  g.outputs.push(g.op('BroadcastTo', [g.input([3]), g.ints([2, 2, 3])], {}, 'vector'));
  await assertGraphParity(g);
});
