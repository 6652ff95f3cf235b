import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from '@onnx-edge/proto';
import { attr, assertGraphParity, GraphBuilder } from '../../../testing/graph-parity.ts';

const modes: [string, boolean, boolean][] = [['asymmetric', false, false], ['align_corners', true, false], ['half_pixel_centers', false, true]];
const sizes: [number[], number[]][] = [[[5, 7], [9, 12]], [[9, 7], [4, 5]], [[6, 6], [13, 1]], [[4, 5], [8, 10]]];

for (const op of ['ResizeBilinear', 'ResizeNearestNeighbor']) {
  for (const [mode, alignCorners, halfPixel] of modes) {
    test(`${op} ${mode} on odd sizes, up and down (dynamic batch)`, async () => {
      const g = new GraphBuilder();
      for (const [[h, w], size] of sizes) {
        g.outputs.push(g.op(op, [g.input([-1, h, w, 3]), g.ints(size)], { align_corners: attr.bool(alignCorners), half_pixel_centers: attr.bool(halfPixel) }, `${op}_${h}x${w}_to_${size.join('x')}`));
      }
      await assertGraphParity(g, { count: 1 });
    });
  }
}

test('Resize at opset 18 gives only the spatial sizes, with axes', async () => {
  const g = new GraphBuilder();
  g.op('ResizeBilinear', [g.input([-1, 5, 7, 2]), g.ints([8, 3])], { half_pixel_centers: attr.bool(true) });
  const { bytes } = await assertGraphParity(g, { export: { opset: 18 } });
  const resize = onnx.ModelProto.decode(bytes).graph!.node!.find((n) => n.opType === 'Resize')!;
  assert.deepEqual(resize.attribute!.find((a) => a.name === 'axes')!.ints!.map(Number), [2, 3]);
});

test('ResizeBilinear of an int32 image gives floats, as tfjs does', async () => {
  const g = new GraphBuilder();
  g.op('ResizeBilinear', [g.input([1, 5, 4, 3], 'DT_INT32'), g.ints([7, 9])], { half_pixel_centers: attr.bool(true) });
  await assertGraphParity(g, { count: 1 });
});
