// `onnx-edge bench real-models`: the corpus of published tfjs layers models (bench/real-models/corpus.ts) —
// export time, and onnxruntime-node on the export against tfjs-wasm at batch 1 on a fixed image size.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { useVerificationBackend } from '@onnx-edge/export';
import { machineFacts } from '../machine.ts';
import { BENCH_OPTIONS } from '../options.ts';
import { resultsFile } from '../results-file.ts';
import { corpusModels } from './corpus.ts';
import { measureRealModel, type RealModelRow } from './measure.ts';
import { formatRealModelsTable, realModelsHeadline, type RealModelsReport } from './report.ts';

const OPTIONS = {
  models: { flag: 'models', placeholder: 'LIST', kind: { type: 'list' }, help: 'comma-separated parts of model names to measure (default: every corpus model)' },
  size: { flag: 'size', kind: { type: 'int', min: 8, max: 1024 }, default: 64, help: 'image height and width for models that take any size (default {default})' },
  exports: { flag: 'exports', kind: { type: 'int', min: 1, max: 50 }, help: 'exports per model, the first reported apart (default 4; --quick: 2)' },
  warmup: { ...BENCH_OPTIONS.warmup, help: 'untimed calls per peer first (default 2; --quick: 1)' },
  rounds: { ...BENCH_OPTIONS.rounds, help: 'interleaved timed rounds (default 7; --quick: 3)' },
  threads: { flag: 'threads', kind: { type: 'int', min: 1, max: 256 }, help: `onnxruntime intra-op threads (default: one per core, ${availableParallelism()} here)` },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer exports and rounds' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench real-models [options]

The tfjs layers models published in the corpus packages (devDependencies, read from node_modules), as
shipped: export time (first export, then the median of the rest), and onnxruntime-node on the export
against tfjs on WebAssembly on the same image, batch 1, peers interleaved after warm-up, medians per call;
the headline is onnxruntime ÷ tfjs (geometric mean over the models). Models needing a plugin get the one
in examples/plugins/.

Options:
${formatOptions(OPTIONS)}`;

export const benchRealModelsCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const quick = values.quick ?? false;
    const settings = {
      size: values.size ?? OPTIONS.size.default,
      exports: values.exports ?? (quick ? 2 : 4),
      warmup: values.warmup ?? (quick ? 1 : 2),
      rounds: values.rounds ?? (quick ? 3 : 7),
      threads: values.threads ?? availableParallelism(),
    };
    await useVerificationBackend();
    const wanted = values.models;
    const models = corpusModels().filter((m) => !wanted || wanted.some((part) => m.name.includes(part)));
    const rows: RealModelRow[] = [];
    const failures: RealModelsReport['failures'] = [];
    for (const model of models) {
      console.error(`real-models: ${model.name}…`);
      try {
        rows.push(await measureRealModel(model, settings));
      } catch (err) {
        failures.push({ model: model.name, error: (err as Error).message.split('\n')[0]! });
      }
    }
    const report = { benchmark: 'real-models', date: new Date().toISOString(), machine: machineFacts(), tfjsBackend: tf.getBackend(), settings, rows, failures };
    const file = values.out ?? resultsFile('real-models', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`${realModelsHeadline(report)}\n\n${formatRealModelsTable(report)}\n\nwrote ${file}`);
    return failures.length === 0 ? 0 : 1;
  },
};
