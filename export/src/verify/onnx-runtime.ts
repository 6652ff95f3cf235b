// Runs ONNX bytes in onnxruntime-node on float32 batches.
import * as ort from 'onnxruntime-node';

export interface OnnxRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** One batch: input data (graph input order) with their shapes → outputs in graph output order. */
  run(inputs: { data: Float32Array; shape: number[] }[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export async function createOnnxRunner(bytes: Uint8Array, options: { intraOpThreads?: number } = {}): Promise<OnnxRunner> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.intraOpThreads ?? 2,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs) {
      const feeds: Record<string, ort.Tensor> = {};
      session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor('float32', inputs[i]!.data, inputs[i]!.shape); });
      const results = await session.run(feeds);
      return session.outputNames.map((name) => results[name]!.data as Float32Array);
    },
    release: () => session.release(),
  };
}
