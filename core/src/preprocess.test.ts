import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEED_IMAGE_INPUT, type ImageInput } from './contract.ts';
import { imageToInput, inputDims, inputSize } from './preprocess.ts';

const size = { width: 2, height: 1 };
/** Two pixels: (10, 20, 30, alpha 40) and (200, 100, 0, alpha 255). */
const RGBA = [10, 20, 30, 40, 200, 100, 0, 255];
const RGB = [10, 20, 30, 200, 100, 0];

const image = (changes: Partial<ImageInput>): ImageInput => ({ ...SEED_IMAGE_INPUT, height: 1, width: 2, ...changes });
const close = (actual: Float32Array, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) < 1e-6, `[${i}] ${actual[i]} vs ${v}`));
};

test('the seed contract: RGB ÷ 255, NCHW planes, alpha ignored', () => {
  assert.deepEqual([...imageToInput(RGBA, 4, size, image({}))], [10, 200, 20, 100, 30, 0].map((v) => Math.fround(v / 255)));
  assert.deepEqual(imageToInput(RGB, 3, size, image({})), imageToInput(RGBA, 4, size, image({})));
});

test('NHWC interleaves; BGR swaps; a range and a mean/std per channel apply in that order', () => {
  close(imageToInput(RGB, 3, size, image({ layout: 'NHWC', color: 'BGR', range: [0, 255], mean: [1, 2, 3], std: [2, 1, 0.5] })), [
    (30 - 1) / 2, 20 - 2, (10 - 3) / 0.5, (0 - 1) / 2, 100 - 2, (200 - 3) / 0.5,
  ]);
  close(imageToInput(RGB, 3, size, image({ layout: 'NHWC', range: [-1, 1] })), [10, 20, 30, 200, 100, 0].map((v) => -1 + (2 * v) / 255));
});

test('grayscale is the BT.601 luma; RGBA models get alpha, 255 from RGB pixels', () => {
  const luma = (r: number, g: number, b: number) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  close(imageToInput(RGB, 3, size, image({ color: 'GRAY' })), [luma(10, 20, 30), luma(200, 100, 0)]);
  close(imageToInput(RGBA, 4, size, image({ color: 'BGRA', layout: 'NHWC' })), [30, 20, 10, 40, 0, 100, 200, 255].map((v) => v / 255));
  close(imageToInput(RGB, 3, size, image({ color: 'RGBA', layout: 'NHWC' })), [10, 20, 30, 255, 200, 100, 0, 255].map((v) => v / 255));
});

test('writes into a batch buffer at an offset and refuses pixels of the wrong size', () => {
  const batch = new Float32Array(12);
  imageToInput(RGB, 3, size, image({}), batch, 6);
  assert.deepEqual([...batch.subarray(0, 6)], [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(batch.subarray(6), imageToInput(RGB, 3, size, image({})));
  assert.throws(() => imageToInput(RGB.slice(1), 3, size, image({})), /expected 6 bytes for a 2x1 image with 3 channels, got 5/);
});

test('size and dims follow the contract, or the image where the model takes any size', () => {
  const anySize = image({ height: undefined, width: undefined, color: 'GRAY', layout: 'NHWC' });
  assert.deepEqual(inputSize(anySize, { width: 300, height: 200 }), { width: 300, height: 200 });
  assert.deepEqual(inputSize(SEED_IMAGE_INPUT, { width: 300, height: 200 }), { width: 32, height: 32 });
  assert.deepEqual(inputDims(anySize, { width: 300, height: 200 }), [200, 300, 1]);
  assert.deepEqual(inputDims(SEED_IMAGE_INPUT, { width: 32, height: 32 }), [3, 32, 32]);
});
