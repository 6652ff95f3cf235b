import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { onnx } from '@onnx-edge/proto';
import { CIFAR10_LABELS, contractFromMetadata, METADATA_KEYS } from '@onnx-edge/core';
import { exportModel, PRODUCER_VERSION } from './export.ts';
import { irVersionForOpset } from './onnx/versions.ts';
import { assertParity, randomizeWeights } from '../testing/parity.ts';

function smallClassifier(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 11);
  return model;
}

test('the same model exports to identical bytes twice', () => {
  const model = smallClassifier();
  const a = exportModel(model, { contract: { dataset: 'cifar10' } }).bytes;
  const b = exportModel(model, { contract: { dataset: 'cifar10' } }).bytes;
  assert.ok(Buffer.from(a).equals(Buffer.from(b)));
});

test('the ModelProto carries opset, IR version, named input/output with a symbolic batch, complete value_info and metadata', () => {
  const parity = { maxAbsDiff: 1e-7, maxRelDiff: 1e-6, top1Agreement: 1, count: 10 };
  const { bytes, report } = exportModel(smallClassifier(), { contract: { dataset: 'cifar10', labels: [...CIFAR10_LABELS] }, parity });
  const model = onnx.ModelProto.decode(bytes);
  assert.equal(Number(model.irVersion), 8);
  assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 17]]);
  const graph = model.graph as onnx.GraphProto;
  const dims = (v: onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  assert.equal(graph.input[0]!.name, 'input');
  assert.deepEqual(dims(graph.input[0]!), ['N', 3, 8, 8]);
  assert.equal(graph.output[0]!.name, 'probabilities');
  assert.deepEqual(dims(graph.output[0]!), ['N', 10]);
  const produced = graph.node.flatMap((n) => n.output!).filter((name) => name !== 'probabilities');
  assert.deepEqual(graph.valueInfo.map((v) => v.name).sort(), [...produced].sort());
  for (const v of graph.valueInfo) assert.ok(dims(v).length > 0, `${v.name} has a shape`);
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  assert.deepEqual(JSON.parse(meta[METADATA_KEYS.labels]!), [...CIFAR10_LABELS]);
  assert.deepEqual(contractFromMetadata(meta), report.contract);
  assert.deepEqual(report.contract.input, { kind: 'image', height: 8, width: 8, color: 'RGB', layout: 'NCHW', range: [0, 1], mean: [0], std: [1] });
  assert.equal(report.contract.output.kind, 'probabilities');
  assert.equal(meta[METADATA_KEYS.sourceModelSha256], report.sourceModelSha256);
  assert.match(report.sourceModelSha256, /^[0-9a-f]{64}$/);
  assert.equal(meta[METADATA_KEYS.producerVersion], PRODUCER_VERSION);
  assert.deepEqual(JSON.parse(meta[METADATA_KEYS.parity]!), parity);
  assert.equal(meta[METADATA_KEYS.dataset], 'cifar10');
  assert.deepEqual(report.opCounts, { Conv: 1, Relu: 1, AveragePool: 1, Flatten: 1, Gemm: 1, Softmax: 1 });
});

test('every opset from 13 to 21 exports, runs in onnxruntime and matches tfjs; the IR version follows the table', async () => {
  const model = smallClassifier();
  for (let opset = 13; opset <= 21; opset++) {
    const { bytes } = await assertParity(model, { export: { opset } });
    assert.equal(Number(onnx.ModelProto.decode(bytes).irVersion), irVersionForOpset(opset));
  }
  assert.deepEqual([13, 15, 17, 18, 19, 21].map(irVersionForOpset), [7, 8, 8, 8, 9, 10]);
});

test('labels must match the number of classes', () => {
  assert.throws(() => exportModel(smallClassifier(), { contract: { labels: ['cat', 'dog'] } }), /2 labels given, but the model's output 'probabilities' \[N,10\] has 10 classes/);
});

test('opsets outside 13..21 are refused', () => {
  assert.throws(() => exportModel(smallClassifier(), { opset: 12 }), /opset 12 is not supported: use 13..21/);
  assert.throws(() => exportModel(smallClassifier(), { opset: 22 }), /opset 22 is not supported/);
});

test('NHWC input layout: one Transpose at the input, recorded in the metadata', async () => {
  const { bytes, report } = await assertParity(smallClassifier(), { export: { inputLayout: 'nhwc' } });
  assert.equal(report.opCounts['Transpose'], 1);
  assert.deepEqual(report.inputs[0]!.shape, ['N', 8, 8, 3]);
  const meta = onnx.ModelProto.decode(bytes).metadataProps.find((p) => p.key === METADATA_KEYS.inputLayout);
  assert.equal(meta?.value, 'NHWC');
});
