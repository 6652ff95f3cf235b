import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from '@onnx-edge/proto';
import { exportGraphModel } from '../export.ts';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';
import { checkGraphParity, verifyGraphModel } from '../../verify/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

/** A feature map the export holds as NCHW: [N, 5, 7, 4] in TF terms. */
function featureMap(g: GraphBuilder): string {
  return g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.floats([1, 1, 3, 4], -1, 1)], conv);
}

const binary = ['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'FloorDiv', 'FloorMod', 'Mod', 'Maximum', 'Minimum', 'SquaredDifference', 'Pow'];

for (const op of binary) {
  test(`${op} with TF broadcasting against NCHW data: a [C] constant, a same-shape NHWC tensor, a lower-rank run-time tensor, a scalar`, async () => {
    const g = new GraphBuilder();
    const y = featureMap(g);
    const positive = (t: string) => (op === 'Pow' ? g.op('Abs', [t]) : t);
    g.outputs.push(g.op(op, [positive(y), g.floats([4], 0.5, 1.5)], {}, 'channel_constant'));
    g.outputs.push(g.op(op, [positive(y), g.input([-1, 5, 7, 4])], {}, 'same_shape_nhwc'));
    g.outputs.push(g.op(op, [g.input([7, 4]), positive(y)], {}, 'lower_rank_first'));
    g.outputs.push(g.op(op, [positive(y), g.constant([1.5], [])], {}, 'scalar'));
    const v = g.input([-1, 6]);
    g.outputs.push(g.op(op, [positive(v), g.input([6])], {}, 'vectors'));
    await assertGraphParity(g, { range: [-2, 2] });
  });
}

for (const op of ['Add', 'Sub', 'Mul', 'RealDiv', 'FloorDiv', 'FloorMod', 'Maximum', 'Minimum', 'SquaredDifference']) {
  test(`${op} on int32 tensors (negative operands, tfjs' integer division)`, async () => {
    const g = new GraphBuilder();
    const x = g.op('Sub', [g.input([-1, 6], 'DT_INT32'), g.ints([128], [])]);
    g.op(op, [x, g.ints([-7, 3, 5, -2, 9, 4])]);
    await assertGraphParity(g);
  });
}

const unary: [string, [number, number]][] = [
  ['Sqrt', [0.1, 4]], ['Rsqrt', [0.1, 4]], ['Exp', [-3, 3]], ['Log', [0.1, 4]], ['Square', [-3, 3]], ['Neg', [-3, 3]], ['Abs', [-3, 3]],
  ['Reciprocal', [0.5, 3]], ['Floor', [-3, 3]], ['Ceil', [-3, 3]], ['Round', [-3, 3]], ['Sign', [-3, 3]], ['Sin', [-3, 3]], ['Cos', [-3, 3]], ['Erf', [-2, 2]],
  ['Tan', [-1, 1]], ['Asin', [-0.9, 0.9]], ['Acos', [-0.9, 0.9]], ['Atan', [-3, 3]], ['Sinh', [-2, 2]], ['Cosh', [-2, 2]], ['Asinh', [-3, 3]],
  ['Acosh', [1.1, 4]], ['Atanh', [-0.9, 0.9]], ['Log1p', [-0.5, 3]], ['Expm1', [-2, 2]],
];
for (const [op, range] of unary) {
  test(`${op} on NCHW data and on a vector`, async () => {
    const g = new GraphBuilder();
    g.outputs.push(g.op(op, [g.op('Conv2D', [g.input([-1, 5, 7, 3]), g.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 3, 3])], conv)], {}, 'image'));
    g.outputs.push(g.op(op, [g.input([-1, 6])], {}, 'vector'));
    await assertGraphParity(g, { range });
  });
}

test('IsNan, IsInf and IsFinite on NaN (log of negatives), ±Inf (1 / 0) and finite values; DivNoNan by zero', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 8]);
  const logs = g.op('Log', [x]);
  const quotients = g.op('RealDiv', [g.constant([1], []), g.op('Floor', [x])]);
  g.outputs.push(g.op('IsNan', [logs], {}, 'is_nan'), g.op('IsInf', [quotients], {}, 'is_inf'), g.op('IsFinite', [g.op('Add', [logs, quotients])], {}, 'is_finite'));
  g.outputs.push(g.op('DivNoNan', [x, g.op('Floor', [g.op('Mul', [x, g.constant([2], [])])])], {}, 'div_no_nan'));
  await assertGraphParity(g, { range: [-1.5, 1.5] });
});

test('Round rounds halves to even, as TF does', async () => {
  const g = new GraphBuilder();
  g.op('Round', [g.op('Mul', [g.op('Floor', [g.op('Mul', [g.input([-1, 8]), g.constant([4], [])])]), g.constant([0.5], [])])]);
  await assertGraphParity(g, { range: [-3, 3] });
});

for (const op of ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual']) {
  test(`${op} on int32 and float tensors (bool results)`, async () => {
    const g = new GraphBuilder();
    const ints = g.op('FloorDiv', [g.input([-1, 6], 'DT_INT32'), g.ints([64], [])]);
    g.outputs.push(g.op(op, [ints, g.ints([0, 1, 2, 3, 1, 2])], {}, 'ints'));
    g.outputs.push(g.op(op, [featureMap(g), g.floats([4])], {}, 'floats'));
    await assertGraphParity(g);
  });
}

test('LogicalAnd, LogicalOr, LogicalNot on comparisons', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 5]);
  const [p, q] = [g.op('Greater', [x, g.constant([0], [])]), g.op('Less', [x, g.floats([5])])];
  g.outputs.push(g.op('LogicalAnd', [p, q], {}, 'and'), g.op('LogicalOr', [p, q], {}, 'or'), g.op('LogicalNot', [p], {}, 'not'));
  await assertGraphParity(g);
});

test('SelectV2 broadcasts condition and both branches; Select with a same-shape condition', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  g.outputs.push(g.op('SelectV2', [g.op('Greater', [y, g.floats([4])]), y, g.constant([0.25], [])], {}, 'v2'));
  const m = g.input([3, 4]);
  g.outputs.push(g.op('Select', [g.op('Greater', [m, g.constant([0], [])]), m, g.floats([3, 4])], {}, 'v1'));
  await assertGraphParity(g);
});

test('Select with a rank-1 condition picks whole rows, as in TF (tfjs refuses it): checked against ExpandDims → SelectV2', async () => {
  const build = (rows: boolean) => {
    const g = new GraphBuilder(2);
    const [m, c] = [g.input([3, 4], 'DT_FLOAT', 'm'), g.input([3], 'DT_FLOAT', 'c')];
    const condition = g.op('Greater', [c, g.constant([0], [])]);
    const branches = [m, g.floats([3, 4])];
    if (rows) g.op('Select', [condition, ...branches], {}, 'result');
    else g.op('SelectV2', [g.op('ExpandDims', [condition, g.ints([1], [])]), ...branches], {}, 'result');
    return g.source();
  };
  checkGraphParity(await verifyGraphModel(build(false), exportGraphModel(build(true)).bytes, { range: [-1, 1], atol: 1e-5, rtol: 1e-4 }));
});

for (const [from, to, range] of [['DT_FLOAT', 'DT_INT32', [-9, 9]], ['DT_INT32', 'DT_FLOAT', [0, 1]], ['DT_FLOAT', 'DT_BOOL', [-1, 1]], ['DT_INT32', 'DT_BOOL', [0, 1]]] as [string, string, [number, number]][]) {
  test(`Cast ${from} → ${to}`, async () => {
    const g = new GraphBuilder();
    const x = from === 'DT_INT32' ? g.op('FloorDiv', [g.input([-1, 6], 'DT_INT32'), g.ints([128], [])]) : g.op('Round', [g.input([-1, 6])]);
    g.op('Cast', [x], { SrcT: attr.type(from), DstT: attr.type(to), Truncate: attr.bool(false) });
    await assertGraphParity(g, { range });
  });
}

test('Cast bool → float and uint8 → float', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Cast', [g.op('Greater', [g.input([-1, 6]), g.constant([0], [])])], { DstT: attr.type('DT_FLOAT') }, 'from_bool'));
  g.outputs.push(g.op('Cast', [g.input([-1, 6], 'DT_UINT8')], { DstT: attr.type('DT_FLOAT') }, 'from_uint8'));
  const { bytes } = await assertGraphParity(g);
  const uint8 = onnx.ModelProto.decode(bytes).graph!.input!.find((i) => i.name === 'input_3');
  assert.equal(uint8?.type?.tensorType?.elemType, onnx.TensorProto.DataType.UINT8, 'a uint8 input stays uint8 at the edge');
});

test('AddN of three tensors in different layouts; BiasAdd; ClipByValue with constant and run-time bounds', async () => {
  const g = new GraphBuilder();
  const y = featureMap(g);
  g.outputs.push(g.op('AddN', [y, g.input([-1, 5, 7, 4]), g.op('Relu', [y])], {}, 'add_n'));
  g.outputs.push(g.op('BiasAdd', [y, g.floats([4])], { data_format: attr.string('NHWC') }, 'bias_add'));
  g.outputs.push(g.op('ClipByValue', [y, g.constant([-0.2], []), g.constant([0.3], [])], {}, 'clip_constant'));
  const v = g.input([-1, 4]);
  // tfjs reads one number from each bound, so the run-time bound here is a scalar.
  g.outputs.push(g.op('ClipByValue', [v, g.op('Neg', [g.op('Abs', [g.input([])])]), g.constant([0.5], [])], {}, 'clip_runtime'));
  await assertGraphParity(g);
});

test('arithmetic on constants folds at compile time: no node is left for it', async () => {
  const g = new GraphBuilder();
  const folded = g.op('Mul', [g.op('Add', [g.floats([4]), g.floats([4])]), g.op('Sqrt', [g.constant([4], [])])]);
  g.op('Add', [g.input([-1, 4]), folded]);
  const { report } = await assertGraphParity(g);
  assert.deepEqual(report.opCounts, { Add: 1 });
});
