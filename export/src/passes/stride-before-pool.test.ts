import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Graph } from '../ir/graph.ts';
import { floatTensor } from '../ir/tensor.ts';
import { assertParity } from '../../testing/parity.ts';
import { run } from './stride-before-pool.ts';

function poolThenConvs(strides: number[][], poolAttrs: Record<string, number[]> = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 8, 8]);
  const pool = g.addNode('MaxPool', [x], poolAttrs);
  const convs = strides.map((s, i) => g.addNode('Conv', [pool.outputs[0]!, g.addConstant(`w${i}`, floatTensor([1, 1, 1, 1], [2]))], { kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: s }));
  convs.forEach((c, i) => g.markOutput(c.outputs[0]!, `y${i}`));
  return { g, pool, convs };
}

const strideOf = (node: { attr(name: string): unknown }) => (node.attr('strides') as { value: number[] } | undefined)?.value;

test('a stride-2 1×1 Conv after a same-size stride-1 MaxPool: the stride moves onto the pool', () => {
  const { g, pool, convs } = poolThenConvs([[2, 2]]);
  assert.equal(run(g), true);
  assert.deepEqual(strideOf(pool), [2, 2]);
  assert.deepEqual(strideOf(convs[0]!), [1, 1]);
  assert.deepEqual(pool.attr('pads'), { kind: 'ints', value: [1, 1, 1, 1] }, 'windows keep their padding');
});

test('left alone: stride-1 Convs, Convs with different strides, and a pool that shrinks its input', () => {
  assert.equal(run(poolThenConvs([[1, 1]]).g), false);
  assert.equal(run(poolThenConvs([[2, 2], [1, 1]]).g), false);
  assert.equal(run(poolThenConvs([[2, 2]], { kernel_shape: [3, 3], pads: [0, 0, 0, 0] }).g), false);
  assert.equal(run(poolThenConvs([[2, 2]], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }).g), false);
});

test('left alone: a 3×3 Conv after the pool', () => {
  const g = new Graph('g');
  const x = g.addInput('x', 'float32', ['N', 1, 8, 8]);
  const pool = g.addNode('MaxPool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const conv = g.addNode('Conv', [pool.outputs[0]!, g.addConstant('w', floatTensor([1, 1, 3, 3], Array(9).fill(1)))], { kernel_shape: [3, 3], pads: [0, 0, 0, 0], strides: [2, 2] });
  g.markOutput(conv.outputs[0]!, 'y');
  assert.equal(run(g), false);
});

test('parity: MaxPooling2D 3×3 same stride 1 → Conv2D 1×1 stride 2, on even and odd sizes', async () => {
  for (const size of [8, 7]) {
    const input = tf.input({ shape: [size, size, 3] });
    const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 1, strides: 2, padding: 'same' }).apply(pooled) as tf.SymbolicTensor;
    const { report } = await assertParity(tf.model({ inputs: input, outputs: conv }));
    assert.equal(report.passes.find((p) => p.name === 'stride-before-pool')?.changed, true, `size ${size}: the pass did not apply`);
  }
});
