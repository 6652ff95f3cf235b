import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, singleLayerModel } from '../../../testing/parity.ts';

for (const activation of ['relu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const) {
  test(`Activation '${activation}' parity on an image tensor`, async () => {
    await assertParity(singleLayerModel(tf.layers.activation({ activation }), [[3, 4, 5]]), { inputRange: [-3, 3] });
  });
}

test('ReLU layer, plain and with maxValue', async () => {
  await assertParity(singleLayerModel(tf.layers.reLU({}), [[6]]), { inputRange: [-3, 3] });
  const { report } = await assertParity(singleLayerModel(tf.layers.reLU({ maxValue: 1.5 }), [[6]]), { inputRange: [-3, 3] });
  assert.deepEqual(report.opCounts, { Clip: 1 });
});

// tfjs only implements softmax on the last axis, which is the channel axis (1) of the NCHW graph.
test('Softmax layer on an image tensor', async () => {
  const { bytes } = await assertParity(singleLayerModel(tf.layers.softmax({ axis: -1 }), [[3, 4, 5]]), { inputRange: [-3, 3] });
  assert.ok(bytes.length > 0);
});
