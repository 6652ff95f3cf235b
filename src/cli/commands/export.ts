// `onnx-edge export`: tfjs layers model (model.json or a training run folder) → ONNX file, optionally
// verified against tfjs and written into a Triton-layout model repository.
import { choiceFlag, intFlag, numberFlag, parseFlags, UsageError, type Command } from '../kit.ts';
import { progressBar, quantizationFlags, quantizationFlagsHelp, quantizationOptions } from './quantize.ts';

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model to ONNX (NCHW, BatchNorm folded, opset 17 by default). A run folder is a
training run holding tfjs/model.json (its labels.json, if present, becomes the model's labels).

Options:
  -o, --output <file>      ONNX file to write (written atomically: never a partial file)
  --opset <N>              ONNX opset, 13..21 (default 17)
  --input-layout <L>       nchw (default) or nhwc image input
  --verify                 run tfjs and onnxruntime on the same images and fail unless max |Δ| <= 1e-4 and
                           top-1 agreement is 100%; prints {"maxAbsDiff","maxRelDiff","top1Agreement","count"}
                           and writes parity.json next to the output
  --verify-data <DIR>      CIFAR-10 images (official binary format) to verify on (default: seeded random
                           images); implies --verify
  --verify-count <N>       number of images to verify on (default 100); implies --verify
  --repo <DIR>             also write the model into a model repository (Triton layout) ...
  --name <NAME>            ... under this model name (required with --repo)
  --precision <P>          fp32 (default), int8 or fp16: write a quantized version of the (verified) float
                           export, as 'onnx-edge quantize' makes it; with --verify-data it is verified
                           against the float export too (one more JSON line) and fails beyond
                           --max-accuracy-drop points (default 1)
${quantizationFlagsHelp}
  --max-accuracy-drop <P>  largest accepted accuracy drop of the quantized model, in points
  -h, --help               show this help`;

const options = {
  output: { type: 'string', short: 'o' },
  opset: { type: 'string' },
  'input-layout': { type: 'string' },
  verify: { type: 'boolean' },
  'verify-data': { type: 'string' },
  'verify-count': { type: 'string' },
  repo: { type: 'string' },
  name: { type: 'string' },
  precision: { type: 'string' },
  ...quantizationFlags,
  'max-accuracy-drop': { type: 'string' },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, options, true);
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model.json or run folder');
  const { MIN_OPSET, MAX_OPSET } = await import('@onnx-edge/export');
  const opset = intFlag('opset', values.opset, MIN_OPSET, MAX_OPSET);
  const inputLayout = choiceFlag('input-layout', values['input-layout'], ['nchw', 'nhwc'] as const);
  const verifyCount = intFlag('verify-count', values['verify-count'], 1, 1_000_000);
  const verify = Boolean(values.verify || values['verify-data'] !== undefined || verifyCount !== undefined);
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const precision = choiceFlag('precision', values.precision, ['fp32', 'int8', 'fp16'] as const) ?? 'fp32';
  const maxDrop = numberFlag('max-accuracy-drop', values['max-accuracy-drop'], 0, 100);
  if (precision === 'fp32' && (maxDrop !== undefined || Object.keys(quantizationFlags).some((f) => values[f as keyof typeof quantizationFlags] !== undefined))) {
    throw new UsageError('the quantization flags need --precision int8 or fp16');
  }
  const chosen = precision === 'fp32' ? undefined : await quantizationOptions(precision, values);
  const bar = progressBar('calibrating');
  const quantize = chosen?.precision === 'int8' ? { ...chosen, onProgress: bar.update } : chosen;
  const { DEFAULT_MAX_ACCURACY_DROP } = await import('@onnx-edge/export/quantize');
  const { exportModelFromPath } = await import('@onnx-edge/export/cli-support');
  const result = await exportModelFromPath(positionals[0]!, {
    opset,
    inputLayout,
    verify: verify ? { dataDir: values['verify-data'], count: verifyCount } : undefined,
    output: values.output,
    repository: values.repo ? { repo: values.repo, name: values.name! } : undefined,
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (report) => console.log(JSON.stringify(report)),
    quantize: quantize && {
      options: quantize,
      verify: values['verify-data'] === undefined ? undefined : {
        data: values['verify-data'],
        count: verifyCount,
        maxAccuracyDrop: maxDrop ?? DEFAULT_MAX_ACCURACY_DROP,
        onReport: (report) => console.log(JSON.stringify(report)),
      },
    },
  }).finally(() => bar.done());
  for (const line of result.messages) console.error(line);
  return 0;
}

export const exportCommand: Command = { name: 'export', summary: 'compile a tfjs model to ONNX (optionally verified)', help, run };
