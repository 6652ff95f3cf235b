// weights.txt as the tutorial writes it: for every trainable variable its name, its shape and its values,
// printed the way numpy's str() prints an array (nested brackets; arrays over 1000 values summarised with
// the first and last 3 entries of each axis, as numpy's default print options do).
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomicSync } from '@onnx-edge/core/node';

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatValue(v: number): string {
  return Number.isInteger(v) ? `${v}.` : v.toPrecision(8).replace(/(\.\d*?)0+(e|$)/, '$1$2');
}

function formatArray(values: Float32Array | Int32Array | Uint8Array, shape: number[], summarise: boolean): string {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (axis: number, offset: number, indent: string): string => {
    const size = shape[axis]!;
    const indices = summarise && size > 2 * EDGE_ITEMS ? [...Array(EDGE_ITEMS).keys(), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i)] : [...Array(size).keys()];
    if (axis === shape.length - 1) {
      return `[${indices.map((i) => (i < 0 ? '...' : formatValue(values[offset + i]!))).join(' ')}]`;
    }
    const separator = `\n${'\n'.repeat(shape.length - axis - 2)}${indent} `;
    return `[${indices.map((i) => (i < 0 ? '...' : render(axis + 1, offset + i * strides[axis]!, `${indent} `))).join(separator)}]`;
  };
  if (shape.length === 0) return formatValue(values[0]!);
  return render(0, 0, '');
}

/** Reads every value asynchronously (WebGPU in Node has no synchronous readback). */
export async function formatWeights(variables: tf.LayerVariable[]): Promise<string> {
  const blocks: string[] = [];
  for (const v of variables) {
    const tensor = v.read();
    const values = (await tensor.data()) as Float32Array;
    const summarise = tensor.size > SUMMARY_THRESHOLD;
    blocks.push(`${v.originalName}\n(${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''})\n${formatArray(values, v.shape as number[], summarise)}\n`);
  }
  return blocks.join('\n');
}

export async function writeWeightsFile(path: string, model: tf.LayersModel): Promise<void> {
  writeFileAtomicSync(path, await formatWeights(model.trainableWeights));
}
