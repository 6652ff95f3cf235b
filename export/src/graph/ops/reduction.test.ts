import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

function featureMap(g: GraphBuilder): string {
  return g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.floats([1, 1, 3, 4], -1, 1)], conv);
}

for (const op of ['Mean', 'Sum', 'Max', 'Min', 'Prod']) {
  for (const keep of [false, true]) {
    test(`${op} keep_dims ${keep} over spatial axes, the channel axis and a negative axis of NCHW data`, async () => {
      const g = new GraphBuilder();
      const y = featureMap(g);
      const keepDims = { keep_dims: attr.bool(keep) };
      g.outputs.push(g.op(op, [y, g.ints([1, 2])], keepDims, 'spatial'));
      g.outputs.push(g.op(op, [y, g.ints([3], [])], keepDims, 'channels'));
      g.outputs.push(g.op(op, [y, g.ints([-3, 0])], keepDims, 'negative_and_batch'));
      g.outputs.push(g.op(op, [g.input([-1, 6]), g.ints([1])], keepDims, 'vector'));
      const { report } = await assertGraphParity(g, { range: [0.5, 1.5] });
      // Only a kept [1, 1, 7, 4] really moves data on its way back to TF layout; size-1 moves are Reshapes.
      assert.equal(report.opCounts['Transpose'] ?? 0, 1);
    });
  }
}

test('Mean at opset 18 takes its axes as an input', async () => {
  const g = new GraphBuilder();
  g.op('Mean', [featureMap(g), g.ints([1, 2])], { keep_dims: attr.bool(false) });
  await assertGraphParity(g, { export: { opset: 18 } });
});

test('All and Any over an axis of a comparison', async () => {
  const g = new GraphBuilder();
  const positive = g.op('Greater', [g.input([-1, 4, 5]), g.constant([0], [])]);
  g.outputs.push(g.op('All', [positive, g.ints([2])], { keep_dims: attr.bool(false) }, 'all'));
  g.outputs.push(g.op('Any', [positive, g.ints([1])], { keep_dims: attr.bool(true) }, 'any'));
  await assertGraphParity(g, { range: [-0.2, 1] });
});

for (const op of ['ArgMax', 'ArgMin']) {
  test(`${op} over the channel axis of NCHW data, a spatial axis and a vector (int32 indices)`, async () => {
    const g = new GraphBuilder();
    const y = featureMap(g);
    g.outputs.push(g.op(op, [y, g.ints([3], [])], { output_type: attr.type('DT_INT32') }, 'channels'));
    g.outputs.push(g.op(op, [y, g.ints([-3], [])], {}, 'height'));
    g.outputs.push(g.op(op, [g.input([-1, 9]), g.ints([1], [])], {}, 'vector'));
    await assertGraphParity(g);
  });
}

for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
  test(`Cumsum exclusive ${exclusive} reverse ${reverse} over the channels of NCHW data and a vector`, async () => {
    const g = new GraphBuilder();
    const attrs = { exclusive: attr.bool(exclusive), reverse: attr.bool(reverse) };
    g.outputs.push(g.op('Cumsum', [featureMap(g), g.ints([3], [])], attrs, 'image'));
    // tfjs mishandles a negative axis here, so the vector's is positive.
    g.outputs.push(g.op('Cumsum', [g.input([-1, 7]), g.ints([1], [])], attrs, 'vector'));
    await assertGraphParity(g);
  });
}
