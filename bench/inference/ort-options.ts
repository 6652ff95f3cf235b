// onnxruntime-node session options of the inference benchmark (and of its MatMul peak, so the two are
// measured alike). Chosen by measurement: see bench/NOTES.md.
import type * as ort from 'onnxruntime-node';

/**
 * All graph optimisations (NCHWc layout, Conv+activation fusion), one intra-op thread per core, sequential
 * execution, the CPU memory arena. `allowSpinning`: idle intra-op threads spin (onnxruntime's default,
 * lowest latency for small batches) or sleep (a spinning pool keeps burning the cores for a while after
 * run() returns; the benchmark pauses between peers so that this does not slow the next one).
 */
export function ortSessionOptions(threads: number, allowSpinning: boolean): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    executionMode: 'sequential',
    enableCpuMemArena: true,
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: allowSpinning ? '1' : '0' } } },
  };
}
