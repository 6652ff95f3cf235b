// `onnx-edge` entry point: an explicit table of subcommands, each loaded lazily so that `--help` and
// light commands do not pay for loading tfjs or onnxruntime.
import { UsageError, wantsHelp, type Command } from './kit.ts';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  summary: { summary: 'print a Keras-like summary of a seed network', load: async () => (await import('./commands/summary.ts')).summaryCommand },
  data: { summary: 'check or download a CIFAR-10 dataset', load: async () => (await import('./commands/data.ts')).dataCommand },
  export: { summary: 'compile a tfjs model to ONNX (optionally verified)', load: async () => (await import('./commands/export.ts')).exportCommand },
  verify: { summary: 'check an ONNX file against its tfjs model', load: async () => (await import('./commands/verify.ts')).verifyCommand },
  quantize: { summary: 'int8 (calibrated, QDQ) or fp16 version of a float ONNX model, verified against it', load: async () => (await import('./commands/quantize.ts')).quantizeCommand },
  train: { summary: 'train a seed network (resumable, best checkpoint, curves)', load: async () => (await import('./commands/train.ts')).trainCommand },
  serve: { summary: 'serve models over HTTP: /classify, KServe v2, metrics, web demo', load: async () => (await import('./commands/serve.ts')).serveCommand },
  pipeline: { summary: 'data → train → export → verify → serve with the web demo (what npm start runs)', load: async () => (await import('./commands/pipeline.ts')).pipelineCommand },
  bench: { summary: 'measure throughput (bench train, …)', load: async () => (await import('./commands/bench.ts')).benchCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: onnx-edge <command> [options]', '', 'Commands:', ...lines, '', "Run 'onnx-edge <command> --help' for a command's options."].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`onnx-edge: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(rest) && !command.hasSubcommands) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`onnx-edge ${name}: ${err.message}\n\n${command.help}`);
      return 2;
    }
    const e = err as Error;
    console.error(`onnx-edge ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    if (process.env.ONNX_EDGE_DEBUG) console.error(e.stack);
    return 1;
  }
}
