// Runs ONNX bytes in onnxruntime-node on float32 and int32 batches.
import * as ort from 'onnxruntime-node';

export interface RunnerInput {
  data: Float32Array | Int32Array;
  shape: number[];
}

export interface OnnxRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** One batch: input data (graph input order) with their shapes → outputs in graph output order. */
  run(inputs: RunnerInput[]): Promise<Float32Array[]>;
  /** The same, with each output's dimensions. */
  runWithShapes(inputs: RunnerInput[]): Promise<{ data: Float32Array; dims: number[] }[]>;
  release(): Promise<void>;
}

export async function createOnnxRunner(bytes: Uint8Array, options: { intraOpThreads?: number } = {}): Promise<OnnxRunner> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.intraOpThreads ?? 2,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const runWithShapes = async (inputs: RunnerInput[]) => {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      const { data, shape } = inputs[i]!;
      feeds[name] = data instanceof Int32Array ? new ort.Tensor('int32', data, shape) : new ort.Tensor('float32', data, shape);
    });
    const results = await session.run(feeds);
    return session.outputNames.map((name) => ({ data: results[name]!.data as Float32Array, dims: [...results[name]!.dims] }));
  };
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    runWithShapes,
    run: async (inputs) => (await runWithShapes(inputs)).map((o) => o.data),
    release: () => session.release(),
  };
}
