// `onnx-edge` entry point: the explicit table of commands, each loaded only when called (so `--help` and
// light commands do not pay for loading tfjs or onnxruntime), run by the project's one dispatcher.
import { dispatch, type CommandTable } from '@onnx-edge/core/cli';

export const COMMANDS: CommandTable = {
  summary: { summary: 'print a Keras-like summary of a seed network', load: async () => (await import('./commands/summary.ts')).summaryCommand },
  data: { summary: 'check or download a CIFAR-10 dataset', load: async () => (await import('./commands/data.ts')).dataCommand },
  export: { summary: 'compile a tfjs model to ONNX (optionally verified)', load: async () => (await import('./commands/export.ts')).exportCommand },
  verify: { summary: 'check an ONNX file against its tfjs model', load: async () => (await import('./commands/verify.ts')).verifyCommand },
  quantize: { summary: 'int8 (calibrated, QDQ) or fp16 version of a float ONNX model, verified against it', load: async () => (await import('./commands/quantize.ts')).quantizeCommand },
  train: { summary: 'train a seed network (resumable, best checkpoint, curves)', load: async () => (await import('./commands/train.ts')).trainCommand },
  serve: { summary: 'serve models over HTTP: /classify, KServe v2, metrics, web demo', load: async () => (await import('./commands/serve.ts')).serveCommand },
  pipeline: { summary: 'data → train → export → verify → serve with the web demo (what npm start runs)', load: async () => (await import('./commands/pipeline.ts')).pipelineCommand },
  bench: { summary: 'measurements with peers interleaved: inference, export, train, serve, browser, all', load: async () => (await import('@onnx-edge/bench')).benchCommand },
};

export function main(argv: string[]): Promise<number> {
  return dispatch({ prefix: 'onnx-edge', placeholder: 'command', heading: 'Commands', table: COMMANDS }, argv);
}
