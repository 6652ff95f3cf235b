import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAccuracyDrop, type QuantizedVerification } from './compare.ts';

const labelled = (floatAccuracy: number, quantizedAccuracy: number): QuantizedVerification => ({
  data: '10,000 CIFAR-10 images', count: 10_000, top1Agreement: 0.97, maxAbsDiff: 0.1,
  floatAccuracy, quantizedAccuracy, accuracyDrop: 100 * (floatAccuracy - quantizedAccuracy),
});

test('labelled data: the accuracy drop in points is what is checked, with the numbers in one line', () => {
  checkAccuracyDrop(labelled(0.9, 0.892), 1, 'int8');
  checkAccuracyDrop(labelled(0.9, 0.91), 0, 'int8');
  assert.throws(() => checkAccuracyDrop(labelled(0.9, 0.888), 1, 'int8'),
    /^QuantizeError: the int8 model loses 1\.20 accuracy points against its float original on 10,000 CIFAR-10 images \(90\.00% → 88\.80%\), more than --max-accuracy-drop 1; try --method/);
  assert.throws(() => checkAccuracyDrop(labelled(0.9, 0.898), 0.1, 'fp16'), (e: unknown) => !(e as Error).message.includes('--method'));
  assert.throws(() => checkAccuracyDrop({ ...labelled(0.9, 0.9), accuracyDrop: NaN }, 1, 'int8'), /loses NaN accuracy points/);
});

test('unlabelled data: the share of changed answers bounds the drop and is checked instead', () => {
  const unlabelled = { data: '200 images', count: 200, top1Agreement: 0.995, maxAbsDiff: 0.01 };
  checkAccuracyDrop(unlabelled, 1, 'int8');
  assert.throws(() => checkAccuracyDrop(unlabelled, 0.4, 'int8'), /changes the top class of 0\.50% of 200 images \(unlabelled: that bounds the accuracy drop\), more than --max-accuracy-drop 0\.4/);
});
