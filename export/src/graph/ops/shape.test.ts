import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };
const stridedSlice = (masks: Record<string, number> = {}) => Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, attr.int(v)]));

function featureMap(g: GraphBuilder, shape = [-1, 5, 7, 3], channels = 4): string {
  return g.op('Conv2D', [g.input(shape), g.floats([1, 1, shape[3]!, channels], -1, 1)], conv);
}

test('Shape → StridedSlice → Pack → Reshape with a dynamic batch folds to a constant shape with -1: the batch stays dynamic', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 6, 4, 3]);
  const shape = g.op('Shape', [x], { out_type: attr.type('DT_INT32') });
  const batch = g.op('StridedSlice', [shape, g.ints([0]), g.ints([1]), g.ints([1])], stridedSlice({ shrink_axis_mask: 1 }));
  const spatial = g.op('StridedSlice', [shape, g.ints([1]), g.ints([3]), g.ints([1])]);
  const area = g.op('Prod', [spatial, g.ints([0])], { keep_dims: attr.bool(false) });
  const target = g.op('Pack', [batch, area, g.ints([3], [])], { axis: attr.int(0) });
  g.op('Reshape', [x, target]);
  const { report } = await assertGraphParity(g, { export: { inputLayout: 'nhwc' } });
  assert.deepEqual(report.opCounts, { Reshape: 1 }, 'the shape arithmetic leaves nothing behind');
  assert.deepEqual(report.outputs[0]!.shape, ['N', 24, 3]);
});

test('Shape of a static tensor is a constant; of a permuted tensor with a dynamic batch it is read in TF order', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Shape', [g.input([2, 3, 5])], {}, 'static'));
  g.outputs.push(g.op('Shape', [featureMap(g)], {}, 'dynamic'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Gather'], 1);
});

test('Reshape of NCHW data: only size-1 axes permuted (no Transpose), a flatten into MatMul, a general reshape (Transpose)', async () => {
  const g = new GraphBuilder();
  const pooled = g.op('Mean', [featureMap(g), g.ints([1, 2])], { keep_dims: attr.bool(true) });
  g.outputs.push(g.op('Reshape', [pooled, g.ints([-1, 4])], {}, 'squeezed'));
  const y = featureMap(g, [-1, 3, 5, 2], 3);
  g.outputs.push(g.op('MatMul', [g.op('Reshape', [y, g.ints([-1, 45])]), g.floats([45, 2])], {}, 'flattened'));
  g.outputs.push(g.op('Reshape', [y, g.ints([-1, 5, 9])], {}, 'general'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Transpose'], 1, 'only the general reshape needs TF order');
});

test('Reshape to a shape computed at run time (two unknown dims)', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, -1, 6]);
  const target = g.op('ConcatV2', [g.op('Shape', [x]), g.ints([1])], {}, 'target');
  g.op('Reshape', [x, g.op('StridedSlice', [target, g.ints([0]), g.ints([4]), g.ints([1])])]);
  await assertGraphParity(g);
});

test('Squeeze with squeeze_dims (and the older axis name), and with none (every size-1 dim)', async () => {
  const g = new GraphBuilder();
  const pooled = g.op('Mean', [featureMap(g), g.ints([1, 2])], { keep_dims: attr.bool(true) });
  g.outputs.push(g.op('Squeeze', [pooled], { squeeze_dims: attr.ints([1, 2]) }, 'dims'));
  g.outputs.push(g.op('Squeeze', [pooled], { axis: attr.ints([-2]) }, 'axis'));
  g.outputs.push(g.op('Squeeze', [g.input([1, 4, 1])], {}, 'all'));
  await assertGraphParity(g);
});

test('ExpandDims at the front, in the middle and at -1, on NCHW data and on a vector', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  g.outputs.push(g.op('ExpandDims', [y, g.ints([0], [])], {}, 'front'));
  g.outputs.push(g.op('ExpandDims', [y, g.ints([2], [])], {}, 'middle'));
  g.outputs.push(g.op('ExpandDims', [g.input([-1, 5]), g.ints([-1], [])], {}, 'last'));
  await assertGraphParity(g);
});

test('Transpose relabels axes without a node: Transpose then Conv2D on the swapped image', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g, [-1, 5, 7, 3]);
  const swapped = g.op('Transpose', [y, g.ints([0, 2, 1, 3])]);
  g.outputs.push(g.op('Conv2D', [swapped, g.floats([3, 3, 4, 2])], conv, 'conv'));
  g.outputs.push(g.op('Transpose', [g.input([2, 3, 4]), g.ints([2, 0, 1])], {}, 'plain'));
  const { report } = await assertGraphParity(g);
  // Swapping H and W really moves data before the conv; then the conv output and the plain transpose go back to TF layout.
  assert.equal(report.opCounts['Transpose'], 3);
});

test('ShapeN of a static and a dynamic tensor, Rank, Size (folded, and at run time)', async () => {
  const g = new GraphBuilder();
  const [fixed, dynamic] = [g.input([2, 3]), g.input([-1, 5, 7, 3])];
  g.op('ShapeN', [fixed, dynamic], { N: attr.int(2) }, 'shapes');
  g.outputs.push('shapes', 'shapes:1');
  g.outputs.push(g.op('Rank', [dynamic], {}, 'rank'), g.op('Size', [fixed], {}, 'size_static'), g.op('Size', [dynamic], {}, 'size_dynamic'));
  await assertGraphParity(g);
});
