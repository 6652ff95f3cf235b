// `onnx-edge train`: the tutorial's training recipe as a resumable run (flags → trainModel in @onnx-edge/train).
import { choiceFlag, intFlag, numberFlag, parseFlags, UsageError, type Command } from '../kit.ts';
import { BACKEND_CHOICES, NETWORK_NAMES, VARIANTS } from '@onnx-edge/core';


const help = `Usage: onnx-edge train --model <${NETWORK_NAMES.join('|')}> [options]

Trains a seed network as the tutorial does: Adam (learning rate 1e-3), sparse categorical cross-entropy,
accuracy, validation after every epoch; keeps the best epoch by validation loss. The run folder gets
tfjs/ (the best model, for tf.loadLayersModel), checkpoint/ (resumable), history.json, curves.svg,
weights.txt, labels.json and summary.txt. Run the same command again to resume an interrupted run;
Ctrl-C stops after the current batch with a resumable checkpoint (twice: at once).

Options:
  --model <name>        ${NETWORK_NAMES.join(', ')} (required)
  --variant <v>         seed (default, as the tutorial behaves) or standard (see 'onnx-edge summary --help')
  --data <src>          a CIFAR-10 folder, .bin file or cifar-10-binary.tar.gz; 'synthetic'; or 'auto'
                        (default: $CIFAR10_DIR, else what 'onnx-edge data download' fetched, else
                        synthetic images)
  --val-data <src>      validation records (default: the folder's test_batch.bin, else the last 10% of the
                        training records, held out)
  --epochs <n>          total epochs of the run (default 5; a resumed run continues its count)
  --batch-size <n>      default 128 for inception10, 32 for the ResNets
  --lr <x>              Adam's learning rate (default 0.001)
  --limit <n>           train on the first n records only
  --val-limit <n>       validate on the first n records only
  --seed <n>            seed of weights and shuffling: same seed, data, backend and workers → same weights
  --out <dir>           run folder (default runs/<model>-<date>)
  --backend <b>         ${BACKEND_CHOICES.join('|')} (default auto: tfjs-node-gpu → tfjs-node → webgpu → wasm → cpu)
  --precise-bn <n>      after each epoch, re-estimate every BatchNorm's moving mean/variance on n training
                        images (a fixed seeded subset, inference mode, layer by layer: "precise BatchNorm")
                        before validating and saving (default 2048). Keras' moving averages (momentum 0.99)
                        lag behind the weights in short trainings; 0 keeps them, as the tutorial does
  --fresh               ignore a checkpoint in the run folder and start over
  --workers <n>         threads computing gradients, data-parallel, for the wasm and cpu backends, which use
                        one core each (default 1). Each thread takes a share of every batch and BatchNorm
                        uses that share's statistics; pays off on idle cores, not on a busy machine
  -h, --help            show this help

Exit codes: 0 trained, 1 failed, 2 bad usage, 130 interrupted (checkpoint saved).`;

function defaultOutDir(model: string): string {
  return `runs/${model}-${new Date().toISOString().slice(0, 10)}`;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a seed network (resumable, best checkpoint, curves)',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: 'string' },
      variant: { type: 'string' },
      data: { type: 'string' },
      'val-data': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      limit: { type: 'string' },
      'val-limit': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      fresh: { type: 'boolean' },
      workers: { type: 'string' },
      'precise-bn': { type: 'string' },
    });
    const model = choiceFlag('model', values.model, NETWORK_NAMES);
    if (model === undefined) throw new UsageError('--model is required');
    const options = {
      model,
      variant: choiceFlag('variant', values.variant, VARIANTS),
      data: values.data ?? 'auto',
      valData: values['val-data'],
      epochs: intFlag('epochs', values.epochs, 1, 10_000),
      batchSize: intFlag('batch-size', values['batch-size'], 1, 65_536),
      learningRate: numberFlag('lr', values.lr, Number.MIN_VALUE, 10),
      limit: intFlag('limit', values.limit, 1),
      valLimit: intFlag('val-limit', values['val-limit'], 1),
      seed: intFlag('seed', values.seed, 0, 2 ** 31 - 1),
      outDir: values.out ?? defaultOutDir(model),
      backend: choiceFlag('backend', values.backend, BACKEND_CHOICES),
      fresh: values.fresh ?? false,
      workers: intFlag('workers', values.workers, 1, 64),
      preciseBnImages: intFlag('precise-bn', values['precise-bn'], 0, 1_000_000),
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
  },
};
