import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intListFlag, listFlag, rangeFlag, shapesFlag, UsageError } from './kit.ts';

test('listFlag splits, trims and checks each item against the choices', () => {
  assert.equal(listFlag('networks', undefined, ['a', 'b']), undefined);
  assert.deepEqual(listFlag('networks', ' a, b ,', ['a', 'b']), ['a', 'b']);
  assert.deepEqual(listFlag('networks', 'x,y'), ['x', 'y']);
  assert.throws(() => listFlag('networks', 'a,c', ['a', 'b']), (e: unknown) => e instanceof UsageError && /--networks: 'c' is not one of a, b/.test(e.message));
  assert.throws(() => listFlag('networks', ' , ', ['a']), /--networks is empty/);
});

test('intListFlag checks each item is an integer in range', () => {
  assert.deepEqual(intListFlag('batches', '1,32,128', 1, 4096), [1, 32, 128]);
  assert.equal(intListFlag('batches', undefined, 1, 4096), undefined);
  assert.throws(() => intListFlag('batches', '1,0', 1, 4096), /--batches must be an integer between 1 and 4096, got '0'/);
});

test('shapesFlag reads shapes joined by x, several separated by commas', () => {
  assert.deepEqual(shapesFlag('verify-shape', '1x48x80x3'), [[1, 48, 80, 3]]);
  assert.deepEqual(shapesFlag('verify-shape', '2x8x8x3, 2x10'), [[2, 8, 8, 3], [2, 10]]);
  for (const bad of ['', '1x0x3', '1x2.5', '1xx3', 'a']) assert.throws(() => shapesFlag('verify-shape', bad), (e: unknown) => e instanceof UsageError && /--verify-shape takes shapes like 1x48x80x3/.test(e.message), bad);
});

test('rangeFlag reads LO,HI with LO below HI', () => {
  assert.deepEqual(rangeFlag('verify-range', '0,255'), [0, 255]);
  assert.deepEqual(rangeFlag('verify-range', '-1, 1'), [-1, 1]);
  assert.equal(rangeFlag('verify-range', undefined), undefined);
  for (const bad of ['1,0', '0', '0,1,2', 'a,b', '0,Infinity']) assert.throws(() => rangeFlag('verify-range', bad), /--verify-range takes LO,HI with LO < HI/, bad);
});
