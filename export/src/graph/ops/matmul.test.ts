import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportGraphModel } from '../export.ts';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';
import { checkGraphParity, verifyGraphModel } from '../../verify/graph-parity.ts';

for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
  test(`MatMul transpose_a ${ta} transpose_b ${tb}, constant B (Gemm) and run-time B (MatMul)`, async () => {
    const g = new GraphBuilder();
    const a = g.input(ta ? [5, 3] : [3, 5]);
    g.outputs.push(g.op('MatMul', [a, g.floats(tb ? [4, 5] : [5, 4])], { transpose_a: attr.bool(ta), transpose_b: attr.bool(tb) }, 'constant_b'));
    const b = g.input(tb ? [4, 5] : [5, 4]);
    g.outputs.push(g.op('MatMul', [a, b], { transpose_a: attr.bool(ta), transpose_b: attr.bool(tb) }, 'runtime_b'));
    const { report } = await assertGraphParity(g);
    assert.equal(report.opCounts['Gemm'], 1);
  });
}

const fused: [string[], Record<string, Record<string, unknown>>][] = [
  [['BiasAdd'], {}], [['BiasAdd', 'Relu'], {}], [['BiasAdd', 'Relu6'], {}], [['BiasAdd', 'Elu'], {}], [['BiasAdd', 'Sigmoid'], {}],
  [['BiasAdd', 'LeakyRelu'], { leakyrelu_alpha: attr.float(0.15) }], [['BiasAdd', 'Prelu'], {}],
];
for (const [ops, extra] of fused) {
  test(`_FusedMatMul fused_ops [${ops}]`, async () => {
    const g = new GraphBuilder();
    const a = g.input([-1, 7]);
    const args = [g.floats([3], -2, 2)];
    if (ops[1] === 'Prelu') args.push(g.floats([3], 0, 0.5));
    g.op('_FusedMatMul', [a, g.floats([7, 3], -1, 1), ...args], { fused_ops: attr.strings(ops), num_args: attr.int(args.length), ...extra });
    await assertGraphParity(g, { range: [-2, 2] });
  });
}

test('_FusedMatMul with transpose_a and transpose_b matches MatMul → BiasAdd → Relu in tfjs (tfjs-wasm fuses transpose_b wrongly)', async () => {
  const build = (fusedOp: boolean) => {
    const g = new GraphBuilder(4);
    const a = g.input([7, 5], 'DT_FLOAT', 'a');
    const [b, bias] = [g.floats([3, 7], -1, 1), g.floats([3], -2, 2)];
    const transpose = { transpose_a: attr.bool(true), transpose_b: attr.bool(true) };
    if (fusedOp) {
      g.op('_FusedMatMul', [a, b, bias], { fused_ops: attr.strings(['BiasAdd', 'Relu']), num_args: attr.int(1), ...transpose }, 'result');
    } else {
      g.op('Relu', [g.op('BiasAdd', [g.op('MatMul', [a, b], transpose), bias])], {}, 'result');
    }
    return g.source();
  };
  const parity = await verifyGraphModel(build(false), exportGraphModel(build(true)).bytes, { range: [-2, 2], atol: 1e-5, rtol: 1e-4 });
  checkGraphParity(parity);
});

test('a flattened NCHW feature map into MatMul: the weight rows absorb the feature order (no Transpose)', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 5, 3, 2]);
  const y = g.op('Conv2D', [x, g.floats([3, 3, 2, 4])], { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) });
  const flat = g.op('Reshape', [y, g.ints([-1, 60])]);
  g.op('_FusedMatMul', [flat, g.floats([60, 4]), g.floats([4])], { fused_ops: attr.strings(['BiasAdd', 'Relu']), num_args: attr.int(1) });
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Transpose'], undefined);
});

for (const [adjX, adjY, shapeA, shapeB] of [
  [false, false, [2, 3, 4], [2, 4, 5]], [true, false, [2, 4, 3], [4, 5]], [false, true, [3, 4], [2, 5, 4]], [true, true, [2, 2, 4, 3], [1, 5, 4]],
] as [boolean, boolean, number[], number[]][]) {
  // Batch dims broadcast where one side's are all 1 or absent: tfjs flattens them, so it gets only those right.
  test(`BatchMatMulV2 adj_x ${adjX} adj_y ${adjY} [${shapeA}] × [${shapeB}] (batch dims broadcast)`, async () => {
    const g = new GraphBuilder();
    const a = g.input(shapeA);
    const b = g.input(shapeB);
    g.outputs.push(g.op('BatchMatMulV2', [a, b], { adj_x: attr.bool(adjX), adj_y: attr.bool(adjY) }, 'runtime'));
    g.outputs.push(g.op('BatchMatMul', [a, g.floats(shapeB)], { adj_x: attr.bool(adjX), adj_y: attr.bool(adjY) }, 'constant'));
    await assertGraphParity(g);
  });
}
