import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

for (const activation of ['relu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const) {
  test(`Activation '${activation}' parity on an image tensor`, async () => {
    await assertParity(singleLayerModel(tf.layers.activation({ activation }), [[3, 4, 5]]), { inputRange: [-3, 3] });
  });
}

type ActivationName = Parameters<typeof tf.layers.activation>[0]['activation'];

/** Activation(name) on the input, then the same function fused into a Conv2D and into a Dense. */
function activationModel(activation: ActivationName): tf.LayersModel {
  const input = tf.input({ shape: [3, 4, 3] });
  let x = tf.layers.activation({ activation }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 5, activation }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 11);
  return model;
}

const names = ['relu6', 'elu', 'selu', 'hardSigmoid', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new', 'logSoftmax'] as const;

for (const name of names) {
  test(`activation '${name}': Activation layer and fused in Conv2D and Dense`, async () => {
    // A wide input range reaches relu6's cap and hardSigmoid's saturation.
    const { report } = await assertParity(activationModel(name as ActivationName), { inputRange: [-8, 8] });
    assert.equal(report.opCounts['Conv'], 1);
    assert.equal(report.opCounts['Gemm'], 1);
  });
}

// Above the opsets that introduced them, mish and gelu are single ops (onnxruntime-checked only: the
// official checker knows opsets up to 17).
for (const [name, opset, op] of [['mish', 18, 'Mish'], ['gelu', 20, 'Gelu'], ['gelu_new', 20, 'Gelu']] as const) {
  test(`activation '${name}' at opset ${opset} is one ${op} node per use`, async () => {
    const { report } = await assertParity(activationModel(name as ActivationName), { inputRange: [-8, 8], export: { opset } });
    assert.equal(report.opCounts[op], 3);
  });
}
