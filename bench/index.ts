// `onnx-edge bench <what>`: the benchmarks' table, run by the project's one dispatcher. Each benchmark is a
// module here exporting a Command, loaded only when asked for; results go to bench/results/.
import { dispatcherCommand, type Command } from '@onnx-edge/core/cli';

export const benchCommand: Command = dispatcherCommand({
  prefix: 'onnx-edge bench',
  placeholder: 'what',
  heading: 'Benchmarks (results go to bench/results/)',
  table: {
    train: { summary: 'training images/s per backend and network', load: async () => (await import('./train.ts')).benchTrainCommand },
    serve: { summary: 'server req/s and p50/p99 vs raw onnxruntime-node', load: async () => (await import('./serve/command.ts')).benchServeCommand },
    inference: { summary: 'onnxruntime on the export vs tfjs, images/s and share of the MatMul peak', load: async () => (await import('./inference/command.ts')).benchInferenceCommand },
    quantized: { summary: 'int8 vs float32 in onnxruntime-node (images/s, each precision\'s MatMul peak) and file sizes', load: async () => (await import('./quantized.ts')).benchQuantizedCommand },
    export: { summary: 'export time, peak memory, ONNX vs tfjs bytes per network', load: async () => (await import('./export.ts')).benchExportCommand },
    'graph-models': { summary: 'published graph models: onnxruntime on the export vs tfjs-wasm on the original, batch 1', load: async () => (await import('./graph-models.ts')).benchGraphModelsCommand },
    browser: { summary: 'web demo latency per image in headless Chromium (WASM, WebGPU)', load: async () => (await import('./browser.ts')).benchBrowserCommand },
    'real-models': { summary: 'published tfjs models: export ms, onnxruntime vs tfjs-wasm images/s at batch 1', load: async () => (await import('./real-models/command.ts')).benchRealModelsCommand },
    all: { summary: 'every benchmark in one run: results JSON + Markdown table (--quick: a short version)', load: async () => (await import('./all.ts')).benchAllCommand },
  },
});
