// The machine's measured limit for dense float32 work: onnxruntime-node running one MatMul of n×n by n×n
// (2·n³ FLOPs) with the same session settings the inference benchmark uses. B is a graph initializer, so
// a run moves only A in: it measures the GEMM kernel, not data transfer into the session.
import { onnx } from '@onnx-edge/proto';
import * as ort from 'onnxruntime-node';
import { ortSessionOptions } from './inference/ort-options.ts';
import { median } from './stats.ts';

/** An ONNX model computing Y = A · B for A: [n,n] input, B: [n,n] constant. */
export function matMulModel(n: number): Uint8Array {
  const b = new Float32Array(n * n).map((_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
  const square = { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: n }, { dimValue: n }] } };
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'onnx-edge-bench',
    graph: {
      name: 'matmul_peak',
      node: [{ opType: 'MatMul', input: ['A', 'B'], output: ['Y'], name: 'matmul' }],
      initializer: [{ name: 'B', dims: [n, n], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(b.buffer) }],
      input: [{ name: 'A', type: { tensorType: square } }],
      output: [{ name: 'Y', type: { tensorType: square } }],
    },
  }).finish();
}

export interface PeakResult {
  n: number;
  threads: number;
  runs: number;
  medianMs: number;
  /** 2·n³ / median time. */
  gflops: number;
}

/** Median GFLOP/s of an n³ MatMul over `runs` timed runs after `warmup` untimed ones. */
export async function measureMatMulPeak(n: number, threads: number, warmup: number, runs: number): Promise<PeakResult> {
  const session = await ort.InferenceSession.create(matMulModel(n), ortSessionOptions(threads));
  try {
    const a = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
    for (let i = 0; i < warmup; i++) await session.run({ A: a });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await session.run({ A: a });
      times.push(performance.now() - started);
    }
    const medianMs = median(times);
    return { n, threads, runs, medianMs, gflops: (2 * n ** 3) / (medianMs * 1e6) };
  } finally {
    await session.release();
  }
}
