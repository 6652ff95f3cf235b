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
  };
}
