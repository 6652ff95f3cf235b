import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDim, divDim, evaluateDim, exactDivDim, productDims, sumDims, symbolName, UNKNOWN_DIM } from './dims.ts';

test('numbers stay numbers; symbols combine into canonical expressions', () => {
  assert.equal(productDims([2, 3, 4]), 24);
  assert.equal(productDims(['h', 2]), '2*h');
  assert.equal(productDims([2, 'h', 3]), '6*h');
  assert.equal(productDims(['w', 'h']), productDims(['h', 'w']));
  assert.equal(sumDims(['h', 'h', 3]), '2*h+3');
  assert.equal(addDim('h', -2), 'h-2');
  assert.equal(addDim(addDim('h', 2), -2), 'h');
  assert.equal(divDim('h', 1, 'ceil'), 'h');
  assert.equal(divDim(productDims(['h', 4]), 2, 'floor'), '2*h');
  assert.equal(divDim('h', 2, 'ceil'), 'ceil(h/2)');
  assert.equal(divDim(addDim('h', -3), 2, 'floor'), 'floor((h-3)/2)');
  assert.equal(productDims([divDim(productDims(['h', 3]), 2, 'floor'), 2]), '2*floor(3*h/2)');
  assert.equal(divDim(7, 2, 'ceil'), 4);
});

test('an unknown dim poisons every expression it enters; inexact divisions are unnamed', () => {
  assert.equal(productDims(['h', UNKNOWN_DIM]), UNKNOWN_DIM);
  assert.equal(sumDims([UNKNOWN_DIM, 1]), UNKNOWN_DIM);
  assert.equal(exactDivDim(productDims(['h', 64]), 16), '4*h');
  assert.equal(exactDivDim('h', 2), UNKNOWN_DIM);
  assert.equal(exactDivDim(12, 4), 3);
});

test('names evaluate to the sizes they stand for', () => {
  const sizes = { h: 37, w: 20 };
  const cases: [string | number, number][] = [
    ['h', 37], [productDims(['h', 'w']), 740], [addDim(divDim(addDim('h', -3), 2, 'floor'), 1), 18],
    [divDim('h', 2, 'ceil'), 19], [productDims([divDim(productDims(['h', 3]), 2, 'floor'), 2]), 110], [sumDims(['w', 'h', -5]), 52],
  ];
  for (const [dim, size] of cases) assert.equal(evaluateDim(dim, sizes), size, String(dim));
  assert.equal(evaluateDim('q', sizes), undefined);
  assert.equal(evaluateDim(UNKNOWN_DIM, sizes), undefined);
});

test('symbol names are identifiers of the grammar', () => {
  assert.equal(symbolName('input_1'), 'input_1');
  assert.equal(symbolName('LR input/0'), 'LR_input_0');
  assert.equal(symbolName('1st'), '_1st');
});
