import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

for (const op of ['MaxPool', 'AvgPool']) {
  for (const [padding, ksize, strides] of [['VALID', [1, 2, 2, 1], [1, 2, 2, 1]], ['SAME', [1, 3, 3, 1], [1, 2, 2, 1]], ['SAME', [1, 3, 2, 1], [1, 1, 1, 1]], ['VALID', [1, 3, 3, 1], [1, 2, 1, 1]]] as [string, number[], number[]][]) {
    test(`${op} ${padding} ksize [${ksize}] strides [${strides}] on odd sizes`, async () => {
      const g = new GraphBuilder();
      const x = g.input([-1, 9, 7, 3]);
      g.op(op, [x], { ksize: attr.ints(ksize), strides: attr.ints(strides), padding: attr.string(padding), data_format: attr.string('NHWC') });
      const { report } = await assertGraphParity(g);
      assert.equal(report.opCounts[op === 'MaxPool' ? 'MaxPool' : 'AveragePool'], 1);
    });
  }
}
