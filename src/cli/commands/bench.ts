// `onnx-edge bench <what>`: throughput measurements (not timed tests). A table of subcommands, each a
// module under bench/ exporting a Command, loaded only when asked for.
import { UsageError, wantsHelp, type Command } from '../kit.ts';

const subcommands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: { summary: 'training images/s per backend and network', load: async () => (await import('../../../bench/train.ts')).benchTrainCommand },
  serve: { summary: 'server req/s and p50/p99 vs raw onnxruntime-node', load: async () => (await import('../../../bench/serve/command.ts')).benchServeCommand },
  inference: { summary: 'onnxruntime on the export vs tfjs, images/s and share of the MatMul peak', load: async () => (await import('../../../bench/inference/command.ts')).benchInferenceCommand },
  quantized: { summary: 'int8 vs float32 in onnxruntime-node (images/s, each precision\'s MatMul peak) and file sizes', load: async () => (await import('../../../bench/quantized.ts')).benchQuantizedCommand },
  export: { summary: 'export time, peak memory, ONNX vs tfjs bytes per network', load: async () => (await import('../../../bench/export.ts')).benchExportCommand },
  browser: { summary: 'web demo latency per image in headless Chromium (WASM, WebGPU)', load: async () => (await import('../../../bench/browser.ts')).benchBrowserCommand },
  all: { summary: 'every benchmark in one run: results JSON + Markdown table (--quick: a short version)', load: async () => (await import('../../../bench/all.ts')).benchAllCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(subcommands).map((n) => n.length));
  const lines = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(width)}  ${s.summary}`);
  return ['Usage: onnx-edge bench <what> [options]', '', 'Benchmarks (results go to bench/results/):', ...lines, '', "Run 'onnx-edge bench <what> --help' for its options."].join('\n');
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure throughput (bench train, …)',
  get help() {
    return usage();
  },
  hasSubcommands: true,
  async run(argv) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      console.log(usage());
      return name === undefined ? 2 : 0;
    }
    const entry = subcommands[name];
    if (!entry) {
      console.error(`onnx-edge bench: unknown benchmark '${name}'\n\n${usage()}`);
      return 2;
    }
    const command = await entry.load();
    if (wantsHelp(rest)) {
      console.log(command.help);
      return 0;
    }
    try {
      return await command.run(rest);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      console.error(`onnx-edge bench ${name}: ${err.message}\n\n${command.help}`);
      return 2;
    }
  },
};
