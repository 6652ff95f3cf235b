// The extended layer vocabulary across the opsets where ONNX changed what these handlers emit: 13 (the
// lowest accepted), 18 (Reduce* axes become an input, Mish appears), 21 (the highest; Gelu since 20).
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

function chain(shape: number[], layers: tf.layers.Layer[]): tf.LayersModel {
  const input = tf.input({ shape });
  let x = input;
  for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 51);
  return model;
}

const imageModel = () => chain([6, 6, 3], [
  tf.layers.activation({ activation: 'gelu' }),
  tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'mish' }),
  tf.layers.separableConv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'gelu_new' }),
  tf.layers.zeroPadding2d(),
  tf.layers.cropping2D({ cropping: 1 }),
  tf.layers.upSampling2d({ interpolation: 'bilinear' }),
  tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
  tf.layers.prelu(),
  tf.layers.layerNormalization(),
  tf.layers.permute({ dims: [2, 1, 3] }),
  tf.layers.reshape({ targetShape: [-1, 2] }),
  tf.layers.globalMaxPooling1d(),
]);

const sequenceModel = () => chain([6, 3], [
  tf.layers.conv1d({ filters: 4, kernelSize: 2 }),
  tf.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
  tf.layers.layerNormalization(),
  tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true }) as tf.RNN }),
  tf.layers.gru({ units: 2, returnSequences: true }),
  tf.layers.simpleRNN({ units: 2, returnSequences: true }),
  tf.layers.globalAveragePooling1d(),
]);

for (const opset of [13, 18, 21]) {
  test(`extended vocabulary at opset ${opset}: image layers`, async () => {
    await assertParity(imageModel(), { inputRange: [-2, 2], export: { opset } });
  });
  test(`extended vocabulary at opset ${opset}: sequence layers`, async () => {
    await assertParity(sequenceModel(), { inputRange: [-2, 2], export: { opset } });
  });
}
