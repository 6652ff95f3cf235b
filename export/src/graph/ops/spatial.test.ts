import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('VALID'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

function featureMap(g: GraphBuilder, channels = 4): string {
  return g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.floats([1, 1, 3, channels], -1, 1)], conv);
}

test('Pad and PadV2 (a constant value) keep NCHW data NCHW before the next conv; Pad of a matrix', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  const padded = g.op('Pad', [y, g.ints([0, 0, 1, 2, 2, 1, 0, 0], [4, 2])]);
  g.outputs.push(g.op('Conv2D', [padded, g.floats([3, 3, 4, 2])], conv, 'conv'));
  g.outputs.push(g.op('PadV2', [y, g.ints([0, 0, 0, 1, 1, 0, 1, 2], [4, 2]), g.constant([-0.5], [])], {}, 'v2'));
  g.outputs.push(g.op('Pad', [g.input([2, 3]), g.ints([1, 0, 2, 3], [2, 2])], {}, 'matrix'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Transpose'], 2, 'only the two image outputs');
});

for (const mode of ['REFLECT', 'SYMMETRIC']) {
  test(`MirrorPad ${mode} on NCHW data and a matrix`, async () => {
    const g = new GraphBuilder();
    g.outputs.push(g.op('MirrorPad', [featureMap(g), g.ints([0, 0, 2, 1, 1, 3, 0, 0], [4, 2])], { mode: attr.string(mode) }, 'image'));
    g.outputs.push(g.op('MirrorPad', [g.input([3, 4]), g.ints([1, 2, 0, 1], [2, 2])], { mode: attr.string(mode) }, 'matrix'));
    await assertGraphParity(g);
  });
}

for (const block of [2, 3]) {
  test(`DepthToSpace with block size ${block}`, async () => {
    const g = new GraphBuilder();
    g.op('DepthToSpace', [featureMap(g, 2 * block * block)], { block_size: attr.int(block), data_format: attr.string('NHWC') });
    await assertGraphParity(g);
  });
}

test('SpaceToBatchND → Conv2D → BatchToSpaceND (a dilated convolution as TF writes it), with paddings and crops', async () => {
  const g = new GraphBuilder();
  const x = g.input([2, 7, 9, 3]);
  const batched = g.op('SpaceToBatchND', [x, g.ints([2, 2]), g.ints([2, 3, 2, 3], [2, 2])]);
  const y = g.op('Conv2D', [batched, g.floats([3, 3, 3, 4])], conv);
  g.op('BatchToSpaceND', [y, g.ints([2, 2]), g.ints([0, 1, 0, 1], [2, 2])]);
  await assertGraphParity(g);
});
