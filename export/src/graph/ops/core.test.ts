import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from '@onnx-edge/proto';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const conv = { padding: attr.string('SAME'), strides: attr.ints([1, 1, 1, 1]), dilations: attr.ints([1, 1, 1, 1]) };

test('Placeholder: a float image (NCHW at the edge), an int32 and a uint8 tensor (kept at the edge), a bool tensor', async () => {
  const g = new GraphBuilder();
  g.outputs.push(g.op('Relu', [g.input([-1, 5, 6, 3])], {}, 'image'));
  g.outputs.push(g.op('Mul', [g.input([-1, 4], 'DT_INT32'), g.ints([3], [])], {}, 'int32'));
  g.outputs.push(g.op('Cast', [g.input([2, 4], 'DT_UINT8')], { DstT: attr.type('DT_FLOAT') }, 'uint8'));
  g.outputs.push(g.op('LogicalNot', [g.input([3], 'DT_BOOL')], {}, 'bool'));
  const { bytes } = await assertGraphParity(g);
  assert.equal(g.source().model.nodes.filter((n) => n.op === 'Placeholder').length, 4);
  const inputs = onnx.ModelProto.decode(bytes).graph!.input!;
  const T = onnx.TensorProto.DataType;
  assert.deepEqual(inputs.map((i) => i.type!.tensorType!.elemType), [T.FLOAT, T.INT32, T.UINT8, T.BOOL]);
  assert.deepEqual(inputs[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimValue ? Number(d.dimValue) : d.dimParam), ['input_0_d0', 3, 5, 6]);
});

test('inputLayout nhwc keeps the image input NHWC; the first convolution transposes it once for both of its consumers', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 5, 6, 3]);
  g.outputs.push(g.op('Conv2D', [x, g.floats([3, 3, 3, 2])], conv, 'a'));
  g.outputs.push(g.op('Conv2D', [x, g.floats([1, 1, 3, 2])], conv, 'b'));
  const { report } = await assertGraphParity(g, { export: { inputLayout: 'nhwc' } });
  assert.deepEqual(report.inputs[0]!.shape, ['N', 5, 6, 3]);
  assert.equal(report.opCounts['Transpose'], 3, 'one at the input, one per output back to TF layout');
});

test('Const, Identity, IdentityN, StopGradient, Snapshot pass values through; NoOp orders through a ^control input', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  const noop = g.op('NoOp', [], {}, 'barrier');
  const identity = g.op('Identity', [x, `^${noop}`]);
  g.op('IdentityN', [identity, g.floats([3])], {}, 'pair');
  g.outputs.push(g.op('StopGradient', ['pair'], {}, 'first'));
  g.outputs.push(g.op('Snapshot', ['pair:1'], {}, 'second'));
  const { report } = await assertGraphParity(g);
  assert.equal(g.source().model.byName.get('pair')!.inputs.map((r) => g.source().model.byName.get(r.node)!.op).at(-1), 'Const');
  assert.deepEqual(Object.keys(report.opCounts).sort(), ['Identity']);
});

test('without a signature the outputs are the nodes nothing consumes (NoOps excepted)', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.op('Relu', [x], {}, 'positive');
  g.op('Neg', [x], {}, 'negated');
  g.op('NoOp', [`^${x}`], {}, 'done');
  const { report } = await assertGraphParity(g);
  assert.deepEqual(report.outputs.map((o) => o.name), ['positive', 'negated']);
});
