// onnxruntime-node session options of the inference benchmark (and of its MatMul peak, so the two are
// measured alike). Chosen by measurement: see bench/NOTES.md.
import type * as ort from 'onnxruntime-node';

export function ortSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    executionMode: 'sequential',
    enableCpuMemArena: true,
    logSeverityLevel: 3,
    // Idle intra-op threads sleep instead of spinning. Spinning is onnxruntime's default, but a spinning
    // pool keeps burning both cores for a while after run() returns, so the next peer in an interleaved
    // round (tfjs, the MatMul peak, another session) runs at half speed: measured 2.4× slower (NOTES.md).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
