// The machine's measured limits for dense work: one MatMul of n×n by n×n (2·n³ operations), which the
// inference benchmarks run with the same onnxruntime session settings, in the same rounds as the networks —
// in float32, and in 8 bits (MatMulInteger: uint8 A × int8 B → int32, the integer GEMM onnxruntime's
// quantized Conv and Gemm kernels run on). B is a graph initializer, so a run moves only A in: it measures
// the GEMM kernel, not data transfer.
import * as ort from 'onnxruntime-node';
import { onnx } from '@onnx-edge/proto';

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

/** An ONNX model computing Y = MatMulInteger(A, B) for A: uint8 [n,n] input, B: int8 [n,n] constant. */
export function int8MatMulModel(n: number): Uint8Array {
  const b = new Int8Array(n * n).map((_, i) => ((i * 2654435761) % 255) - 127);
  const shape = { dim: [{ dimValue: n }, { dimValue: n }] };
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'onnx-edge-bench',
    graph: {
      name: 'int8_matmul_peak',
      node: [{ opType: 'MatMulInteger', input: ['A', 'B'], output: ['Y'], name: 'matmul_integer' }],
      initializer: [{ name: 'B', dims: [n, n], dataType: onnx.TensorProto.DataType.INT8, rawData: new Uint8Array(b.buffer) }],
      input: [{ name: 'A', type: { tensorType: { elemType: onnx.TensorProto.DataType.UINT8, shape } } }],
      output: [{ name: 'Y', type: { tensorType: { elemType: onnx.TensorProto.DataType.INT32, shape } } }],
    },
  }).finish();
}

export interface MatMulPeak {
  /** One A · B call. */
  run(): Promise<unknown>;
  /** GFLOP/s of a call that took `ms`. */
  gflops(ms: number): number;
  release(): Promise<void>;
}

/** A session of matMulModel(n) (or int8MatMulModel(n)) and its input, ready to be timed beside other peers. */
export async function startMatMulPeak(n: number, options: ort.InferenceSession.SessionOptions, precision: 'float32' | 'int8' = 'float32'): Promise<MatMulPeak> {
  const session = await ort.InferenceSession.create(precision === 'int8' ? int8MatMulModel(n) : matMulModel(n), options);
  const feeds = { A: precision === 'int8' ? new ort.Tensor('uint8', new Uint8Array(n * n).fill(128), [n, n]) : new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]) };
  return {
    run: () => session.run(feeds),
    gflops: (ms) => (2 * n ** 3) / (ms * 1e6),
    release: () => session.release(),
  };
}
