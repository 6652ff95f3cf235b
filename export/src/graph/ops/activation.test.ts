import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

/** The activation on a convolution's output (NCHW in the export) and on a rank-2 tensor. */
function activationGraph(op: string, attrs: Record<string, Record<string, unknown>> = {}, extraInputs: (g: GraphBuilder) => string[] = () => []): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.input([-1, 5, 7, 3]);
  const y = g.op('Conv2D', [x, g.floats([1, 1, 3, 4], -2, 2)], conv);
  g.outputs.push(g.op(op, [y, ...extraInputs(g)], attrs, 'on_image'));
  const v = g.input([-1, 6]);
  g.outputs.push(g.op(op, [v, ...extraInputs(g)], attrs, 'on_vector'));
  return g;
}

for (const op of ['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus']) {
  test(`${op} on an NCHW feature map and on a vector`, async () => {
    await assertGraphParity(activationGraph(op), { range: [-3, 3] });
  });
}

for (const alpha of [0.2, 0.01, 1.5]) {
  test(`LeakyRelu alpha ${alpha}`, async () => {
    await assertGraphParity(activationGraph('LeakyRelu', { alpha: attr.float(alpha) }), { range: [-3, 3] });
  });
}

test('Prelu with per-channel alpha ([C] and [1, 1, C]) on NCHW data', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 5, 7, 3]);
  const y = g.op('Conv2D', [x, g.floats([1, 1, 3, 4], -2, 2)], conv);
  g.outputs.push(g.op('Prelu', [y, g.floats([4], 0, 0.5)], {}, 'alpha_c'));
  g.outputs.push(g.op('Prelu', [y, g.floats([1, 1, 4], 0, 0.5)], {}, 'alpha_11c'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['PRelu'], 2);
});

for (const op of ['Softmax', 'LogSoftmax']) {
  test(`${op} over the TF last axis of an NCHW feature map (IR axis 1) and of a vector`, async () => {
    const { report } = await assertGraphParity(activationGraph(op), { range: [-3, 3] });
    assert.equal(report.opCounts['Transpose'], 1, 'one Transpose only, for the image output in TF layout');
  });
}
