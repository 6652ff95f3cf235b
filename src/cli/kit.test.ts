import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intListFlag, listFlag, UsageError } from './kit.ts';

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
