// Sum and Mean of large tensors on onnxruntime (ReduceSum/ReduceMean, reading the wasm heap in place):
// BatchNorm's statistics and gradients, bias gradients, global average pooling. tfjs-backend-wasm first
// transposes the reduced axes innermost (a full copy) and sums on one thread; onnxruntime's reductions over
// leading axes read the tensor once (measured on a [128, 16, 16, 64] tensor over axes 0–2: 8.3 ms of CPU on
// wasm, 0.4 ms here). They move data more than they compute, so their sessions take one thread: a second
// one's wake-up cost more than it saved (3.1 ms). Smaller tensors and other dtypes stay on wasm.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '../kernel-scope.ts';
import type { KernelFactory } from '../overlay.ts';
import { plainFloats, runOnHeap } from './conv-kernels.ts';
import { KernelGraph } from './onnx-graph.ts';
import type { SessionCache } from './session-cache.ts';

/** Below this many elements a session run's fixed cost (tens of microseconds) outweighs what it saves. */
export const MIN_ORT_ELEMENTS = 2 ** 16;

type Reduction = 'ReduceSum' | 'ReduceMean';

const symbolic = (name: string, rank: number) => Array.from({ length: rank }, (_, i) => `${name}${i}`);

export function reductionGraph(op: Reduction, rank: number, axes: number[], keepDims: boolean): Uint8Array {
  const graph = new KernelGraph(op);
  const x = graph.input('x', symbolic('x', rank));
  // Opset 17: ReduceSum takes its axes as an input, ReduceMean still as an attribute.
  const y = op === 'ReduceSum'
    ? graph.node(op, [x, graph.int64s(axes)], { keepdims: keepDims ? 1 : 0 })
    : graph.node(op, [x], { axes, keepdims: keepDims ? 1 : 0 });
  graph.output('y', symbolic('y', keepDims ? rank : rank - axes.length), y);
  return graph.toBytes();
}

export function reduceKernels(sessions: SessionCache, minElements: number): Record<'Sum' | 'Mean', KernelFactory> {
  const reduction = (op: Reduction): KernelFactory => (previous) => (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (!plainFloats(x) || x.shape.reduce((a, b) => a * b, 1) < minElements) return previous(args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const session = sessions.get(`${op} ${x.shape.length} ${axes} ${keepDims}`, () => reductionGraph(op, x.shape.length, axes, keepDims), 1);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return runOnHeap(args, session, { x }, 'y', outShape);
  };
  return { Sum: reduction('ReduceSum'), Mean: reduction('ReduceMean') };
}
