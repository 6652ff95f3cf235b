import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

for (const op of ['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3']) {
  test(`${op} after a convolution (folded into it) and on an input image and a matrix`, async () => {
    const g = new GraphBuilder();
    const params = (c: number) => [g.floats([c], 0.5, 1.5), g.floats([c]), g.floats([c]), g.floats([c], 0.5, 1.5)];
    const y = g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.floats([3, 3, 3, 4])], conv);
    g.outputs.push(g.op(op, [y, ...params(4)], { epsilon: attr.float(0.001), is_training: attr.bool(false) }, 'after_conv'));
    g.outputs.push(g.op(op, [g.input([-1, 4, 3, 3]), ...params(3)], { epsilon: attr.float(0.01) }, 'on_input'));
    g.outputs.push(g.op(op, [g.input([-1, 6]), ...params(6)], {}, 'matrix'));
    const { report } = await assertGraphParity(g);
    assert.equal(report.opCounts['BatchNormalization'], 2, 'the one after the convolution is folded');
  });
}

test('LRN with depth_radius, bias, alpha and beta', async () => {
  const g = new GraphBuilder();
  const y = g.op('Conv2D', [g.input([-1, 5, 4, 3]), g.floats([1, 1, 3, 7], -2, 2)], conv);
  g.op('LRN', [y], { depth_radius: attr.int(2), bias: attr.float(1.5), alpha: attr.float(0.3), beta: attr.float(0.75) });
  await assertGraphParity(g);
});
