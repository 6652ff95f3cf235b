import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

/** Boxes as corners drawn from the input (some with flipped corners) and scores in [0, 1). */
function boxesAndScores(g: GraphBuilder): [string, string] {
  return [g.input([40, 4]), g.op('Sigmoid', [g.op('Mul', [g.input([40]), g.constant([3], [])])])];
}

for (const op of ['NonMaxSuppressionV2', 'NonMaxSuppressionV3']) {
  test(`${op}: the kept box indices, best first`, async () => {
    const g = new GraphBuilder();
    const [boxes, scores] = boxesAndScores(g);
    const inputs = [boxes, scores, g.ints([40], []), g.constant([0.3], [])];
    if (op === 'NonMaxSuppressionV3') inputs.push(g.constant([0.4], []));
    g.op(op, inputs);
    const { parity } = await assertGraphParity(g, { count: 3, range: [-1, 1] });
    const kept = parity.outputs[0]!.shape[0]!;
    assert.ok(kept > 1 && kept < 40, `some boxes kept, some suppressed (${kept} of 40)`);
  });
}

for (const pad of [false, true]) {
  test(`NonMaxSuppressionV4 pad_to_max_output_size ${pad}: indices and the number valid`, async () => {
    const g = new GraphBuilder();
    const [boxes, scores] = boxesAndScores(g);
    g.op('NonMaxSuppressionV4', [boxes, scores, g.ints([25], []), g.constant([0.2], []), g.constant([0.5], [])], { pad_to_max_output_size: attr.bool(pad) }, 'nms');
    g.outputs.push('nms', 'nms:1');
    await assertGraphParity(g, { count: 3, range: [-1, 1] });
  });
}

test('NonMaxSuppressionV5: indices and their scores', async () => {
  const g = new GraphBuilder();
  const [boxes, scores] = boxesAndScores(g);
  g.op('NonMaxSuppressionV5', [boxes, scores, g.ints([8], []), g.constant([0.4], []), g.constant([0.2], []), g.constant([0], [])], {}, 'nms');
  g.outputs.push('nms', 'nms:1');
  await assertGraphParity(g, { count: 3, range: [-1, 1] });
});
