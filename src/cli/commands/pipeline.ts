// `onnx-edge pipeline` (what `npm start` runs): flags → runPipeline in src/pipeline, then keep the server
// up until Ctrl-C. The last lines printed are the summary and the URL to open.
import { choiceFlag, intFlag, parseFlags, UsageError, type Command } from '../kit.ts';

const NETWORKS = ['inception10', 'resnet18', 'resnet34'] as const;
const VARIANTS = ['seed', 'standard'] as const;
const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

const help = `Usage: onnx-edge pipeline [options]        (npm start -- [options])

The whole job in one command: find CIFAR-10, train a seed network, export it to ONNX, verify the export
against tfjs on held-out images (a failed verification stops here, exit 1), write the model repository,
then serve it with the web demo and print the URL to open.

Data (--data auto): CIFAR10_DIR when set; else the download cache of 'onnx-edge data download'
($XDG_CACHE_HOME/onnx-edge/cifar10, else ~/.cache/onnx-edge/cifar10); else a download attempt (5 s
reachability check, then a progress bar); else the embedded SYNTHETIC set — said in the output and in the
served model's labels.
Training size: on a CUDA GPU (tfjs-node-gpu) the tutorial's recipe, 5 epochs on all images; otherwise a
short CPU default (4 epochs on the first 10,000 images in batches of 32, about 10 minutes on 2 cores).
--epochs, --limit and --batch-size change it. A second run with the same options reuses the finished run (no training) unless --retrain; an
interrupted run (Ctrl-C, a crash) resumes from its checkpoint when run again.

Options:
  --model <name>        ${NETWORKS.join(', ')} (default inception10)
  --variant <v>         seed (default, as the tutorial behaves) or standard
  --data <src>          auto (default), synthetic, or a CIFAR-10 folder / .bin file / cifar-10-binary.tar.gz
  --val-data <src>      validation images (default: the folder's test_batch.bin, else a held-out 10%)
  --epochs <n>          epochs (default: 5 on a CUDA GPU, 4 on a CPU); more epochs continue a finished run
  --limit <n|all>       train on the first n images (default: all on a CUDA GPU, 10000 on a CPU)
  --val-limit <n>       validate on the first n images (default: all on a CUDA GPU, 1000 on a CPU)
  --batch-size <n>      default: 32 on a CPU; on a CUDA GPU the tutorial's, 128 for inception10, 32 for the ResNets
  --backend <b>         ${BACKENDS.join('|')} (default auto: tfjs-node-gpu → tfjs-node → webgpu → wasm → cpu)
  --precise-bn <n>      training images BatchNorm statistics are re-estimated on after each epoch
                        (default 2048; 0 keeps Keras' moving averages)
  --out <dir>           where run folders go (default runs)
  --repo <dir>          model repository to write and serve (default <out>/model-repository)
  --precision <p>       int8 or fp16: also write and serve a quantized version, <model>-<p>, beside the
                        float one (int8 calibrated on the first 1,000 training images), verified against it
                        on 1,000 held-out images; more than 1 accuracy point lost fails the run
  --host <h>            address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port <n>            port (default 8080; 0 picks a free one)
  --retrain             train again even when a finished run matches
  --no-serve            stop after writing the model repository
  -h, --help            show this help

Exit codes: 0 done (or server stopped with Ctrl-C), 1 failed (including a failed verification),
2 bad usage, 130 interrupted during training (run the same command again to resume).`;

function limitFlag(raw: string | undefined): number | 'all' | undefined {
  return raw === 'all' ? 'all' : intFlag('limit', raw, 1);
}

/** Resolves when the process is asked to stop (Ctrl-C or a service manager's SIGTERM). */
function stopRequested(): Promise<string> {
  return new Promise((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}

export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'data → train → export → verify → serve with the web demo (what npm start runs)',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: 'string' },
      variant: { type: 'string' },
      data: { type: 'string' },
      'val-data': { type: 'string' },
      epochs: { type: 'string' },
      limit: { type: 'string' },
      'val-limit': { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
      'precise-bn': { type: 'string' },
      out: { type: 'string' },
      repo: { type: 'string' },
      precision: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      retrain: { type: 'boolean' },
      'no-serve': { type: 'boolean' },
    });
    if (values.data === '') throw new UsageError('--data must not be empty');
    const options = {
      model: choiceFlag('model', values.model, NETWORKS) ?? 'inception10',
      variant: choiceFlag('variant', values.variant, VARIANTS),
      data: values.data,
      valData: values['val-data'],
      epochs: intFlag('epochs', values.epochs, 1, 10_000),
      limit: limitFlag(values.limit),
      valLimit: intFlag('val-limit', values['val-limit'], 1),
      batchSize: intFlag('batch-size', values['batch-size'], 1, 65_536),
      backend: choiceFlag('backend', values.backend, BACKENDS),
      preciseBnImages: intFlag('precise-bn', values['precise-bn'], 0, 1_000_000),
      out: values.out ?? 'runs',
      repo: values.repo,
      precision: choiceFlag('precision', values.precision, ['int8', 'fp16'] as const),
      host: values.host ?? '127.0.0.1',
      port: intFlag('port', values.port, 0, 65_535) ?? 8080,
      retrain: values.retrain ?? false,
      serve: !values['no-serve'],
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
  },
};
