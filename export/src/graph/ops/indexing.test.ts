import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

function featureMap(g: GraphBuilder): string {
  return g.op('Conv2D', [g.input([-1, 7, 6, 3]), g.floats([1, 1, 3, 5], -1, 1)], conv);
}

test('Slice of NCHW data (size -1 and explicit sizes) and of a vector', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Slice', [featureMap(g), g.ints([0, 1, 2, 1]), g.ints([-1, 4, -1, 3])], {}, 'image'));
  g.outputs.push(g.op('Slice', [g.input([-1, 9]), g.ints([0, 3]), g.ints([-1, 5])], {}, 'vector'));
  await assertGraphParity(g);
});

const specs: [string, number[], number[], number[], Record<string, number>][] = [
  ['plain', [0, 1, 0, 1], [0, 6, 5, 4], [1, 2, 1, 1], { begin_mask: 1, end_mask: 1 }],
  ['negative indices and strides', [0, -1, -2, 0], [0, 0, 0, 5], [1, -1, -2, 2], { begin_mask: 1, end_mask: 1 }],
  ['shrink_axis_mask', [0, 2, 0, 3], [0, 3, 6, 4], [1, 1, 1, 1], { begin_mask: 1, end_mask: 5, shrink_axis_mask: 10 }],
  ['shrink the last element (-1)', [0, -1], [0, 0], [1, 1], { begin_mask: 1, end_mask: 1, shrink_axis_mask: 2 }],
  ['ellipsis_mask', [0, 1], [0, 4], [1, 1], { ellipsis_mask: 1 }],
  ['new_axis_mask', [0, 0, 1, 0], [0, 0, 5, 0], [1, 1, 2, 1], { begin_mask: 9, end_mask: 9, new_axis_mask: 2 }],
  ['ellipsis with a new axis after it', [0, 0, 2], [0, 0, 4], [1, 1, 1], { ellipsis_mask: 1, new_axis_mask: 2 }],
  ['out-of-range bounds clamp', [-100, 0, 1, 0], [100, 100, 100, 2], [1, 1, 3, 1], {}],
];
for (const [name, begin, end, strides, masks] of specs) {
  test(`StridedSlice: ${name}, on NCHW data`, async () => {
    const g = new GraphBuilder();
    const attrs = Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, attr.int(v)]));
    g.op('StridedSlice', [featureMap(g), g.ints(begin), g.ints(end), g.ints(strides)], attrs);
    await assertGraphParity(g);
  });
}

test('StridedSlice of a constant and of a shape vector folds to a constant', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 6, 4]);
  const area = g.op('Prod', [g.op('StridedSlice', [g.op('Shape', [x]), g.ints([1]), g.ints([0]), g.ints([1])], { end_mask: attr.int(1) }), g.ints([0])]);
  const table = g.op('StridedSlice', [g.floats([4, 3]), g.ints([1, 0]), g.ints([3, 2]), g.ints([1, 1])], {});
  g.outputs.push(g.op('Reshape', [x, g.op('Pack', [g.constant([-1], [], 'int32'), area])], {}, 'reshaped'));
  g.outputs.push(g.op('Add', [g.input([2, 2]), table], {}, 'added'));
  const { report } = await assertGraphParity(g);
  assert.deepEqual(report.opCounts, { Reshape: 1, Add: 1 });
});

test('GatherV2 along the channels and a spatial axis of NCHW data, with 2-D indices, and on a vector', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  g.outputs.push(g.op('GatherV2', [y, g.ints([4, 0, 2]), g.ints([3], [])], { batch_dims: attr.int(0) }, 'channels'));
  g.outputs.push(g.op('GatherV2', [y, g.ints([1, 6, 0, 3], [2, 2]), g.ints([1], [])], {}, 'rows'));
  g.outputs.push(g.op('GatherV2', [g.input([-1, 8]), g.ints([7], []), g.ints([-1], [])], {}, 'scalar_index'));
  await assertGraphParity(g);
});

test('GatherV2 with run-time indices', async () => {
  const g = new GraphBuilder();
  const indices = g.op('FloorMod', [g.input([3], 'DT_INT32'), g.ints([5], [])]);
  g.op('GatherV2', [g.input([5, 4]), indices, g.ints([0], [])]);
  await assertGraphParity(g);
});

test('GatherNd on NCHW data with full and partial index tuples', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  g.outputs.push(g.op('GatherNd', [y, g.ints([0, 1, 2, 3, 0, 6, 5, 0], [2, 4])], {}, 'elements'));
  g.outputs.push(g.op('GatherNd', [y, g.ints([0, 4, 0, 0], [2, 2])], {}, 'rows'));
  await assertGraphParity(g, { count: 1 });
});

test('TopKV2 over the last axis of NCHW data and of a vector (values and int32 indices)', async () => {
  const g = new GraphBuilder();
  g.op('TopKV2', [featureMap(g), g.ints([3], [])], { sorted: attr.bool(true) }, 'image');
  g.op('TopKV2', [g.input([-1, 9]), g.ints([4], [])], {}, 'vector');
  g.outputs.push('image', 'image:1', 'vector', 'vector:1');
  await assertGraphParity(g);
});

test('Where: coordinates of the true elements of a comparison on NCHW data', async () => {
  const g = new GraphBuilder();
  g.op('Where', [g.op('Greater', [featureMap(g), g.constant([0.3], [])])], { T: attr.type('DT_BOOL') });
  await assertGraphParity(g, { count: 1 });
});

test('Gather (the first version) along axis 0, and ReverseV2 over the channels and height of NCHW data and of a vector', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Gather', [g.input([5, 3]), g.ints([4, 0, 4, 2], [2, 2])], {}, 'gather'));
  g.outputs.push(g.op('ReverseV2', [featureMap(g), g.ints([3, 1])], {}, 'image'));
  g.outputs.push(g.op('ReverseV2', [g.input([-1, 6]), g.ints([-1])], {}, 'vector'));
  await assertGraphParity(g);
});
