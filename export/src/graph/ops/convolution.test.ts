import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportGraphModel } from '../export.ts';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';
import { checkGraphParity, verifyGraphModel } from '../../verify/graph-parity.ts';

const conv = (padding: string, strides = [1, 1, 1, 1], dilations = [1, 1, 1, 1], extra = {}) => ({
  padding: attr.string(padding), strides: attr.ints(strides), dilations: attr.ints(dilations), data_format: attr.string('NHWC'), ...extra,
});

for (const [padding, strides, dilations] of [
  ['SAME', [1, 1, 1, 1], [1, 1, 1, 1]], ['SAME', [1, 2, 2, 1], [1, 1, 1, 1]], ['VALID', [1, 2, 1, 1], [1, 1, 1, 1]],
  ['VALID', [1, 1, 1, 1], [1, 2, 2, 1]], ['SAME', [1, 1, 1, 1], [1, 2, 1, 1]],
] as [string, number[], number[]][]) {
  test(`Conv2D ${padding} strides [${strides}] dilations [${dilations}] on odd sizes, unknown batch`, async () => {
    const g = new GraphBuilder();
    const x = g.input([-1, 9, 7, 3]);
    g.op('Conv2D', [x, g.floats([3, 3, 3, 5])], conv(padding, strides, dilations));
    const { report } = await assertGraphParity(g);
    assert.deepEqual(report.inputs[0]!.shape, ['N', 3, 9, 7]);
  });
}

test('Conv2D EXPLICIT padding (explicit_paddings), then a 1×1 convolution', async () => {
  const g = new GraphBuilder();
  const x = g.input([2, 8, 9, 4]);
  const padded = g.op('Conv2D', [x, g.floats([3, 2, 4, 6])], conv('EXPLICIT', [1, 2, 1, 1], [1, 1, 1, 1], { explicit_paddings: attr.ints([0, 0, 1, 2, 0, 1, 0, 0]) }));
  g.op('Conv2D', [padded, g.floats([1, 1, 6, 4])], conv('VALID'));
  await assertGraphParity(g);
});

test("a grouped Conv2D (filter channels fewer than the input's) is refused by name: tfjs does not run it", () => {
  const g = new GraphBuilder();
  const x = g.input([1, 8, 8, 4]);
  g.op('Conv2D', [x, g.floats([1, 1, 2, 4])], conv('VALID'), 'grouped');
  assert.throws(() => exportGraphModel(g.source()), /^UnsupportedOpError: node 'grouped' of op 'Conv2D': input channels 4 differ from the filter's 2: grouped convolutions are not supported/);
});

const activations: [string[], Record<string, unknown>][] = [
  [['BiasAdd'], {}], [['BiasAdd', 'Relu'], {}], [['BiasAdd', 'Relu6'], {}], [['BiasAdd', 'Elu'], {}],
  [['BiasAdd', 'LeakyRelu'], { leakyrelu_alpha: attr.float(0.3) }], [['BiasAdd', 'Sigmoid'], {}], [['BiasAdd', 'Prelu'], {}],
];

for (const [fusedOps, extra] of activations) {
  test(`_FusedConv2D fused_ops [${fusedOps}]`, async () => {
    const g = new GraphBuilder();
    const x = g.input([-1, 7, 5, 3]);
    const args = [g.floats([4])];
    if (fusedOps[1] === 'Prelu') args.push(g.floats([4], 0, 0.5));
    g.op('_FusedConv2D', [x, g.floats([3, 3, 3, 4]), ...args], { ...conv('SAME', [1, 2, 2, 1]), fused_ops: attr.strings(fusedOps), num_args: attr.int(args.length), ...extra });
    const { report } = await assertGraphParity(g);
    assert.equal(report.opCounts['Conv'], 1);
  });

  // tfjs reads no leakyrelu_alpha for depthwise convolutions (wasm runs alpha 0, cpu NaN): tested below against the unfused ops.
  if (fusedOps[1] !== 'LeakyRelu') test(`FusedDepthwiseConv2dNative fused_ops [${fusedOps}], channel multiplier 2`, async () => {
    const g = new GraphBuilder();
    const x = g.input([-1, 6, 7, 3]);
    const args = [g.floats([6])];
    if (fusedOps[1] === 'Prelu') args.push(g.floats([1, 1, 6], 0, 0.5));
    g.op('FusedDepthwiseConv2dNative', [x, g.floats([3, 3, 3, 2]), ...args], { ...conv('VALID'), fused_ops: attr.strings(fusedOps), num_args: attr.int(args.length), ...extra });
    await assertGraphParity(g);
  });
}

test('_FusedConv2D with FusedBatchNorm (which tfjs refuses to run) matches Conv2D → FusedBatchNormV3 in tfjs', async () => {
  const build = (fused: boolean) => {
    const g = new GraphBuilder(5);
    const x = g.input([-1, 7, 7, 3], 'DT_FLOAT', 'image');
    const filter = g.floats([3, 3, 3, 4]);
    const [scale, offset, mean, variance] = [g.floats([4], 0.5, 1.5), g.floats([4]), g.floats([4]), g.floats([4], 0.5, 1.5)];
    const bn = { epsilon: attr.float(0.001) };
    if (fused) {
      g.op('_FusedConv2D', [x, filter, scale, offset, mean, variance], { ...conv('SAME'), fused_ops: attr.strings(['FusedBatchNorm', 'Relu']), num_args: attr.int(4), ...bn }, 'result');
    } else {
      const y = g.op('Conv2D', [x, filter], conv('SAME'));
      const normalized = g.op('FusedBatchNormV3', [y, scale, offset, mean, variance], { ...bn, is_training: attr.bool(false) });
      g.op('Relu', [normalized], {}, 'result');
    }
    return g.source();
  };
  const { bytes, report } = exportGraphModel(build(true));
  assert.equal(report.opCounts['BatchNormalization'], undefined, 'the fold pass merges the batch norm into the convolution');
  const parity = await verifyGraphModel(build(false), bytes, { range: [-1, 1], atol: 1e-5, rtol: 1e-4 });
  checkGraphParity(parity);
});

test('FusedDepthwiseConv2dNative with LeakyRelu uses leakyrelu_alpha, as TensorFlow does (checked against the unfused ops in tfjs)', async () => {
  const build = (fused: boolean) => {
    const g = new GraphBuilder(9);
    const x = g.input([-1, 6, 7, 3], 'DT_FLOAT', 'image');
    const [filter, bias] = [g.floats([3, 3, 3, 2]), g.floats([6])];
    if (fused) {
      g.op('FusedDepthwiseConv2dNative', [x, filter, bias], { ...conv('SAME'), fused_ops: attr.strings(['BiasAdd', 'LeakyRelu']), num_args: attr.int(1), leakyrelu_alpha: attr.float(0.3) }, 'result');
    } else {
      const y = g.op('BiasAdd', [g.op('DepthwiseConv2dNative', [x, filter], conv('SAME')), bias]);
      g.op('LeakyRelu', [y], { alpha: attr.float(0.3) }, 'result');
    }
    return g.source();
  };
  const parity = await verifyGraphModel(build(false), exportGraphModel(build(true)).bytes, { range: [-1, 1], atol: 1e-5, rtol: 1e-4 });
  checkGraphParity(parity);
});

for (const [multiplier, padding, strides, dilations] of [[1, 'SAME', [1, 2, 2, 1], [1, 1, 1, 1]], [2, 'VALID', [1, 1, 1, 1], [1, 2, 2, 1]], [3, 'SAME', [1, 1, 2, 1], [1, 1, 1, 1]]] as [number, string, number[], number[]][]) {
  test(`DepthwiseConv2dNative multiplier ${multiplier} ${padding} strides [${strides}] dilations [${dilations}]`, async () => {
    const g = new GraphBuilder();
    const x = g.input([-1, 9, 8, 3]);
    g.op('DepthwiseConv2dNative', [x, g.floats([3, 3, 3, multiplier])], conv(padding, strides, dilations));
    await assertGraphParity(g);
  });
}

test('DepthwiseConv2d (tfjs\' name for the same op)', async () => {
  const g = new GraphBuilder();
  g.op('DepthwiseConv2d', [g.input([-1, 7, 6, 2]), g.floats([3, 3, 2, 2])], conv('SAME', [1, 2, 2, 1]));
  await assertGraphParity(g);
});

for (const [padding, strides, size] of [['SAME', [1, 2, 2, 1], [2, 9, 7, 3]], ['VALID', [1, 2, 2, 1], [2, 11, 9, 3]], ['SAME', [1, 1, 1, 1], [2, 5, 6, 3]]] as [string, number[], number[]][]) {
  test(`Conv2DBackpropInput ${padding} strides [${strides}] to [${size}]`, async () => {
    const g = new GraphBuilder();
    const forwardOut = size.slice(1, 3).map((d, i) => (padding === 'SAME' ? Math.ceil(d / strides[i + 1]!) : Math.floor((d - 3) / strides[i + 1]!) + 1));
    const x = g.input([2, ...forwardOut, 4]);
    g.op('Conv2DBackpropInput', [g.ints(size), g.floats([3, 3, 3, 4]), x], conv(padding, strides));
    await assertGraphParity(g);
  });
}

test('no Transpose between convolutions: NHWC is tracked through bias, activation and pooling', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 12, 10, 3]);
  let y = g.op('Conv2D', [x, g.floats([3, 3, 3, 8])], conv('SAME'));
  y = g.op('BiasAdd', [y, g.floats([8])], { data_format: attr.string('NHWC') });
  y = g.op('Relu6', [y]);
  y = g.op('MaxPool', [y], { ksize: attr.ints([1, 2, 2, 1]), strides: attr.ints([1, 2, 2, 1]), padding: attr.string('VALID'), data_format: attr.string('NHWC') });
  y = g.op('Mul', [y, g.floats([8])]);
  y = g.op('DepthwiseConv2dNative', [y, g.floats([3, 3, 8, 1])], conv('SAME'));
  const { report } = await assertGraphParity(g);
  assert.equal(report.opCounts['Transpose'], 1, 'only the output, in TF layout, needs one');
});
