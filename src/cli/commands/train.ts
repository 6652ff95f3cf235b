// `onnx-edge train`: the tutorial's training recipe as a resumable run (flags → trainModel in @onnx-edge/train).
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { TRAINING_OPTIONS } from '../options/training.ts';

const OPTIONS = {
  ...TRAINING_OPTIONS,
  model: { ...TRAINING_OPTIONS.model, required: true, help: '{range} (required)' },
  lr: { flag: 'lr', placeholder: 'X', kind: { type: 'number', min: Number.MIN_VALUE, max: 10 }, help: "Adam's learning rate (default 0.001)" },
  seed: { flag: 'seed', kind: { type: 'int', min: 0, max: 2 ** 31 - 1 }, help: 'seed of weights and shuffling: same seed, data, backend and workers → same weights' },
  out: { flag: 'out', placeholder: 'DIR', kind: { type: 'string' }, help: 'run folder (default runs/<model>-<date>)' },
  fresh: { flag: 'fresh', kind: { type: 'boolean' }, help: 'ignore a checkpoint in the run folder and start over' },
  workers: {
    flag: 'workers', kind: { type: 'int', min: 1, max: 64 },
    help: 'threads computing gradients, data-parallel, for the wasm and cpu backends, which use one core each (default 1). Each thread takes a share of every batch and BatchNorm uses that share\'s statistics; pays off on idle cores, not on a busy machine',
  },
} as const;

const help = `Usage: onnx-edge train --model <${TRAINING_OPTIONS.model.kind.choices.join('|')}> [options]

Trains a seed network as the tutorial does: Adam (learning rate 1e-3), sparse categorical cross-entropy,
accuracy, validation after every epoch; keeps the best epoch by validation loss. The run folder gets
tfjs/ (the best model, for tf.loadLayersModel), checkpoint/ (resumable), history.json, curves.svg,
weights.txt, labels.json and summary.txt. Run the same command again to resume an interrupted run;
Ctrl-C stops after the current batch with a resumable checkpoint (twice: at once).

Options:
${formatOptions(OPTIONS)}

Exit codes: 0 trained, 1 failed, 2 bad usage, 130 interrupted (checkpoint saved).`;

function defaultOutDir(model: string): string {
  return `runs/${model}-${new Date().toISOString().slice(0, 10)}`;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(OPTIONS, argv);
  const model = values.model!;
  const options = {
    model,
    variant: values.variant,
    data: values.data ?? 'auto',
    valData: values.valData,
    epochs: values.epochs,
    batchSize: values.batchSize,
    learningRate: values.lr,
    limit: values.limit,
    valLimit: values.valLimit,
    seed: values.seed,
    outDir: values.out ?? defaultOutDir(model),
    backend: values.backend,
    kernels: values.kernels,
    fresh: values.fresh ?? false,
    workers: values.workers,
    preciseBnImages: values.preciseBn,
  };
  const { trainModel, createProgressPrinter, TrainingInterrupted, INTERRUPTED_EXIT_CODE } = await import('@onnx-edge/train');
  try {
    const result = await trainModel(options, { onProgress: createProgressPrinter(process.stdout) });
    console.log(`best val_accuracy ${result.bestValAccuracy.toFixed(4)}; ${result.imagesPerSecond.toFixed(1)} images/s on ${result.backend.name}`);
    return 0;
  } catch (err) {
    if (err instanceof TrainingInterrupted) {
      console.error(err.message);
      return INTERRUPTED_EXIT_CODE;
    }
    throw err;
  }
}

export const trainCommand: Command = { help, options: OPTIONS, run };
