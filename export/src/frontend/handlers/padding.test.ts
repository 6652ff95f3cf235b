import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, betweenConvs } from '../../../testing/parity.ts';

test('ZeroPadding2D: default, symmetric and asymmetric', async () => {
  for (const padding of [undefined, [2, 1], [[1, 0], [2, 3]]] as const) {
    const layer = tf.layers.zeroPadding2d(padding === undefined ? {} : { padding: padding as [number, number] });
    const { report } = await assertParity(betweenConvs(layer, [3, 4, 2], 13));
    assert.equal(report.opCounts['Pad'], 1);
    assert.equal(report.opCounts['Transpose'], 1);
  }
});
