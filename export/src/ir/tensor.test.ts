import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatTensor, transposeFloat } from './tensor.ts';

test('transposeFloat follows ONNX Transpose semantics (out axis i = in axis perm[i])', () => {
  // [2, 3] → [3, 2]
  const t = transposeFloat(floatTensor([2, 3], [0, 1, 2, 3, 4, 5]), [1, 0]);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual([...t.data as Float32Array], [0, 3, 1, 4, 2, 5]);
  // tfjs conv kernel [kh, kw, in, out] → ONNX [out, in, kh, kw]: element (h, w, i, o) lands at (o, i, h, w).
  const shape = [2, 3, 4, 5];
  const k = transposeFloat(floatTensor(shape, Float32Array.from({ length: 120 }, (_, i) => i)), [3, 2, 0, 1]);
  assert.deepEqual(k.shape, [5, 4, 2, 3]);
  const at = (h: number, w: number, i: number, o: number) => ((h * 3 + w) * 4 + i) * 5 + o;
  assert.equal((k.data as Float32Array)[((4 * 4 + 2) * 2 + 1) * 3 + 0], at(1, 0, 2, 4));
  // Rank 5 takes the general path.
  const five = transposeFloat(floatTensor([1, 2, 1, 3, 1], [0, 1, 2, 3, 4, 5]), [4, 3, 2, 1, 0]);
  assert.deepEqual(five.shape, [1, 3, 1, 2, 1]);
  assert.deepEqual([...five.data as Float32Array], [0, 3, 1, 4, 2, 5]);
});
