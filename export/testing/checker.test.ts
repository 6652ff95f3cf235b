import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { onnx } from '@onnx-edge/proto';
import { exportModel } from '../src/export.ts';
import { checkerUnavailable, checkModel } from './checker.ts';

// Locally a missing checker skips these tests with the reason; in CI, checkModel itself throws instead.
const skip = process.env.CI === 'true' ? false : checkerUnavailable() ?? false;

test('the official checker accepts an exported model and rejects a broken one', { skip }, () => {
  const input = tf.input({ shape: [4] });
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as tf.SymbolicTensor });
  const { bytes } = exportModel(model);
  assert.equal(checkModel(bytes), true);
  // Point the Gemm at a tensor nothing produces: full_check must refuse the graph.
  const broken = onnx.ModelProto.decode(bytes);
  broken.graph!.node![0]!.input![0] = 'nowhere';
  assert.throws(() => checkModel(onnx.ModelProto.encode(broken).finish()), /onnx.checker rejected the model/);
});
