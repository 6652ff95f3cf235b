import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

test('Fill with a known shape folds to a constant; with a dynamic batch it expands at run time', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.outputs.push(g.op('Add', [x, g.op('Fill', [g.ints([2, 3]), g.constant([0.5], [])])], {}, 'folded'));
  const dims = g.op('Shape', [x]);
  g.outputs.push(g.op('Fill', [dims, g.constant([1.5], [])], {}, 'dynamic'));
  const { report } = await assertGraphParity(g, { count: 1 });
  assert.equal(report.opCounts['Expand'], 1);
});

for (const op of ['ZerosLike', 'OnesLike']) {
  test(`${op} of a static and of a dynamic tensor`, async () => {
    const g = new GraphBuilder();
    g.outputs.push(g.op(op, [g.input([2, 3])], {}, 'static'));
    g.outputs.push(g.op(op, [g.input([-1, 4], 'DT_INT32')], {}, 'dynamic'));
    await assertGraphParity(g);
  });
}

test('Range with constant bounds folds; with a bound computed at run time it runs (int32 and float)', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Add', [g.input([5]), g.op('Range', [g.constant([1], []), g.constant([3.5], []), g.constant([0.5], [])], { Tidx: attr.type('DT_FLOAT') })], {}, 'folded'));
  const size = g.op('StridedSlice', [g.op('Shape', [g.input([-1, 2])]), g.ints([0]), g.ints([1]), g.ints([1])], { shrink_axis_mask: attr.int(1) });
  g.outputs.push(g.op('Range', [g.ints([0], []), size, g.ints([1], [])], { Tidx: attr.type('DT_INT32') }, 'dynamic'));
  await assertGraphParity(g);
});

test('OneHot with negative and out-of-range indices (all-off rows, as in TF)', async () => {
  // tfjs-wasm writes float one-hot values as integers, so the values here are int32.
  const g = new GraphBuilder();
  const indices = g.op('Sub', [g.op('FloorDiv', [g.input([3, 4], 'DT_INT32'), g.ints([40], [])]), g.ints([1], [])]);
  g.op('OneHot', [indices, g.ints([5], []), g.ints([2], []), g.ints([-1], [])], { axis: attr.int(-1), T: attr.type('DT_INT32') });
  await assertGraphParity(g);
});
