// The shared config checks refuse, naming the layer and the setting, what the handlers do not translate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export.ts';
import { singleLayerModel } from '../../testing/parity.ts';

test('a channels-first layer of any family is refused with the setting named', () => {
  const layers: [tf.layers.Layer, number[]][] = [
    [tf.layers.averagePooling2d({ poolSize: 2, dataFormat: 'channelsFirst', name: 'layer' }), [3, 4, 4]],
    [tf.layers.globalAveragePooling2d({ dataFormat: 'channelsFirst', name: 'layer' }), [3, 4, 4]],
    [tf.layers.upSampling2d({ dataFormat: 'channelsFirst', name: 'layer' }), [3, 4, 4]],
    [tf.layers.cropping2D({ cropping: 1, dataFormat: 'channelsFirst', name: 'layer' }), [3, 4, 4]],
  ];
  for (const [layer, shape] of layers) {
    assert.throws(() => exportModel(singleLayerModel(layer, [shape])), /^UnsupportedLayerError: layer 'layer' of class '\w+': only dataFormat 'channelsLast' is supported$/);
  }
});

test("tfjs' 'causal' padding is refused for convolutions and pooling alike", () => {
  for (const layer of [tf.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', name: 'l' }), tf.layers.maxPooling1d({ poolSize: 2, padding: 'causal' as 'same', name: 'l' })]) {
    assert.throws(() => exportModel(singleLayerModel(layer, [[6, 3]])), /^UnsupportedLayerError: layer 'l' of class '\w+': padding 'causal' is not supported \(same, valid\)$/);
  }
});
