// `onnx-edge pipeline` (what `npm start` runs): flags → runPipeline in src/pipeline, then keep the server
// up until Ctrl-C. The last lines printed are the summary and the URL to open.
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { SERVER_OPTIONS } from '@onnx-edge/serve/options';
import { TRAINING_OPTIONS } from '../options/training.ts';

const OPTIONS = {
  model: { ...TRAINING_OPTIONS.model, default: 'inception10', help: '{range} (default {default})' },
  variant: { ...TRAINING_OPTIONS.variant, help: 'seed (default, as the tutorial behaves) or standard' },
  data: { ...TRAINING_OPTIONS.data, help: 'auto (default), synthetic, or a CIFAR-10 folder / .bin file / cifar-10-binary.tar.gz' },
  valData: { ...TRAINING_OPTIONS.valData, help: "validation images (default: the folder's test_batch.bin, else a held-out 10%)" },
  epochs: { ...TRAINING_OPTIONS.epochs, help: 'epochs (default: 5 on a CUDA GPU, 1 on a CPU); more epochs continue a finished run' },
  limit: { ...TRAINING_OPTIONS.limit, kind: { ...TRAINING_OPTIONS.limit.kind, words: ['all'] }, help: 'train on the first N images, or all (default: all)' },
  valLimit: { ...TRAINING_OPTIONS.valLimit, help: 'validate on the first N images (default: all)' },
  batchSize: { ...TRAINING_OPTIONS.batchSize, help: "default: 64 on a CPU; on a CUDA GPU the tutorial's, 128 for inception10, 32 for the ResNets" },
  backend: TRAINING_OPTIONS.backend,
  kernels: TRAINING_OPTIONS.kernels,
  preciseBn: { ...TRAINING_OPTIONS.preciseBn, help: "training images BatchNorm statistics are re-estimated on after each epoch (default 2048; 0 keeps Keras' moving averages)" },
  out: { flag: 'out', placeholder: 'DIR', kind: { type: 'string' }, default: 'runs', help: 'where run folders go (default {default})' },
  repo: { flag: 'repo', placeholder: 'DIR', kind: { type: 'string' }, help: 'model repository to write and serve (default <out>/model-repository)' },
  precision: {
    flag: 'precision', placeholder: 'P', kind: { type: 'choice', choices: ['int8', 'fp16'] },
    help: 'int8 or fp16: also write and serve a quantized version, <model>-<P>, beside the float one (int8 calibrated on the first 1,000 training images), verified against it on 1,000 held-out images; more than 1 accuracy point lost fails the run',
  },
  host: { ...SERVER_OPTIONS.host, env: undefined },
  port: { ...SERVER_OPTIONS.port, env: undefined },
  retrain: { flag: 'retrain', kind: { type: 'boolean' }, help: 'train again even when a finished run matches' },
  noServe: { flag: 'no-serve', kind: { type: 'boolean' }, help: 'stop after writing the model repository' },
  plugin: { flag: 'plugin', placeholder: 'FILE', kind: { type: 'string' }, repeatable: true, help: 'ES module registering custom layer classes for the export and its verification (repeatable; docs/PLUGINS.md)' },
} as const;

const help = `Usage: onnx-edge pipeline [options]        (npm start -- [options])

The whole job in one command: find CIFAR-10, train a seed network, export it to ONNX, verify the export
against tfjs on held-out images (a failed verification stops here, exit 1), write the model repository,
then serve it with the web demo and print the URL to open.

Data (--data auto): CIFAR10_DIR when set; else the download cache of 'onnx-edge data download'
($XDG_CACHE_HOME/onnx-edge/cifar10, else ~/.cache/onnx-edge/cifar10); else a download attempt (5 s
reachability check, then a progress bar); else the embedded SYNTHETIC set — said in the output and in the
served model's labels.
Training size: on a CUDA GPU (tfjs-node-gpu) the tutorial's recipe, 5 epochs on all images; otherwise the
CPU default, one epoch on all images in batches of 64 (about 6 minutes on 2 idle cores with the
onnxruntime training kernels; 61.9% on CIFAR-10's 10,000 test images, measured).
--epochs, --limit and --batch-size change it. A second run with the same options reuses the finished run (no training) unless --retrain; an
interrupted run (Ctrl-C, a crash) resumes from its checkpoint when run again.

Options:
${formatOptions(OPTIONS)}

Exit codes: 0 done (or server stopped with Ctrl-C), 1 failed (including a failed verification),
2 bad usage, 130 interrupted during training (run the same command again to resume).`;

/** Resolves when the process is asked to stop (Ctrl-C or a service manager's SIGTERM). */
function stopRequested(): Promise<string> {
  return new Promise((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(OPTIONS, argv);
  const options = {
    model: values.model ?? OPTIONS.model.default,
    variant: values.variant,
    data: values.data,
    valData: values.valData,
    epochs: values.epochs,
    limit: values.limit,
    valLimit: values.valLimit,
    batchSize: values.batchSize,
    backend: values.backend,
    kernels: values.kernels,
    preciseBnImages: values.preciseBn,
    out: values.out ?? OPTIONS.out.default,
    repo: values.repo,
    precision: values.precision,
    host: values.host ?? OPTIONS.host.default,
    port: values.port ?? OPTIONS.port.default,
    retrain: values.retrain ?? false,
    serve: !values.noServe,
    plugins: values.plugin,
  };
  const { runPipeline } = await import('../../pipeline/run.ts');
  const { TrainingInterrupted, INTERRUPTED_EXIT_CODE } = await import('@onnx-edge/train');
  let result;
  try {
    result = await runPipeline(options);
  } catch (err) {
    if (err instanceof TrainingInterrupted) {
      console.error(err.message);
      return INTERRUPTED_EXIT_CODE;
    }
    throw err;
  }
  for (const line of result.summary) console.log(line);
  if (!result.server) {
    console.log(`\nServe it with: npx onnx-edge serve --repo ${options.repo ?? `${options.out}/model-repository`}`);
    return 0;
  }
  const signal = await stopRequested();
  console.log(`${signal}: stopping the server (requests in flight are answered first)`);
  await result.server.close();
  return 0;
}

export const pipelineCommand: Command = { help, options: OPTIONS, run };
