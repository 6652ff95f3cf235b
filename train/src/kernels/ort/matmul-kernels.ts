// BatchMatMul and _FusedMatMul (Dense layers and their gradients) computed by onnxruntime's SGEMM. tfjs hands
// these kernels operands of rank ≥ 2 ([..., rows, columns], leading dimensions broadcast as in numpy, which
// ONNX MatMul shares) with optional transposes of the last two axes; the graph transposes inside, and every
// dimension is symbolic, so one session serves every shape of given ranks, transposes, bias and activation.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '../kernel-scope.ts';
import { activate, FUSED_ACTIVATIONS, type FusedActivation } from './conv-graphs.ts';
import { plainFloats, runOnHeap } from './conv-kernels.ts';
import type { KernelFactory } from '../overlay.ts';
import { KernelGraph } from './onnx-graph.ts';
import type { SessionCache } from './session-cache.ts';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

interface MatMulOptions {
  rankA: number;
  rankB: number;
  transposeA: boolean;
  transposeB: boolean;
  biasRank: number | null;
  activation: FusedActivation;
  leakyReluAlpha: number;
}


export function matMulGraph(options: MatMulOptions): Uint8Array {
  const graph = new KernelGraph('matmul');
  const symbolic = (name: string, rank: number) => Array.from({ length: rank }, (_, i) => `${name}${i}`);
  const operand = (name: string, rank: number, transpose: boolean) => {
    const input = graph.input(name, symbolic(name, rank));
    const lastTwoSwapped = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
    return transpose ? graph.node('Transpose', [input], { perm: lastTwoSwapped }) : input;
  };
  let y = graph.node('MatMul', [operand('a', options.rankA, options.transposeA), operand('b', options.rankB, options.transposeB)]);
  if (options.biasRank !== null) y = graph.node('Add', [y, graph.input('bias', Array.from({ length: options.biasRank }, (_, i) => `bias${i}`))]);
  graph.output('y', symbolic('y', Math.max(options.rankA, options.rankB)), activate(graph, y, options.activation, options.leakyReluAlpha));
  return graph.toBytes();
}

/** The product's shape and its inner (summed) length, or null when tfjs' operands do not form one. */
function productShape(a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): { shape: number[]; inner: number } | null {
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const [a1, a2] = a.shape.slice(-2) as [number, number];
  const [b1, b2] = b.shape.slice(-2) as [number, number];
  const inner = attrs.transposeA ? a1 : a2;
  if (inner !== (attrs.transposeB ? b2 : b1)) return null;
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null; // left to the replaced kernel, which reports the mismatch in tfjs' words
  }
  return { shape: [...outer, attrs.transposeA ? a2 : a1, attrs.transposeB ? b1 : b2], inner };
}

export function matMulKernels(sessions: SessionCache, minFlops: number): Record<'BatchMatMul' | '_FusedMatMul', KernelFactory> {
  const matMul: KernelFactory = (previous) => (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const attrs = args.attrs as unknown as MatMulAttrs;
    const activation = attrs.activation ?? 'linear';
    const product = productShape(a, b, attrs);
    const operands = bias ? [a, b, bias] : [a, b];
    const supported = product !== null && !preluActivationWeights && (FUSED_ACTIVATIONS as readonly string[]).includes(activation) && plainFloats(...operands);
    if (!supported || 2 * product.shape.reduce((x, y) => x * y, 1) * product.inner < minFlops) return previous(args);
    const options: MatMulOptions = {
      rankA: a.shape.length, rankB: b.shape.length, transposeA: attrs.transposeA, transposeB: attrs.transposeB, biasRank: bias ? bias.shape.length : null,
      activation: activation as FusedActivation, leakyReluAlpha: attrs.leakyreluAlpha ?? 0.2,
    };
    const session = sessions.get(`MatMul ${JSON.stringify(options)}`, () => matMulGraph(options));
    return runOnHeap(args, session, bias ? { a, b, bias } : { a, b }, 'y', product.shape);
  };
  return { BatchMatMul: matMul, _FusedMatMul: matMul };
}
