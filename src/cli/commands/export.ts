// `onnx-edge export`: tfjs layers model (model.json or a training run folder) → ONNX file, optionally
// verified against tfjs and written into a Triton-layout model repository.
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '@onnx-edge/export/versions';
import { MAX_ACCURACY_DROP_OPTION, progressBar, QUANTIZATION_OPTIONS, quantizationOptions } from './quantize.ts';

const OPTIONS = {
  output: { flag: 'output', short: 'o', placeholder: 'FILE', kind: { type: 'string' }, help: 'ONNX file to write (written atomically: never a partial file)' },
  opset: { flag: 'opset', kind: { type: 'int', min: MIN_OPSET, max: MAX_OPSET }, default: DEFAULT_OPSET, help: 'ONNX opset, {range} (default {default})' },
  inputLayout: { flag: 'input-layout', kind: { type: 'choice', choices: ['nchw', 'nhwc'] }, help: 'nchw (default) or nhwc image input' },
  verify: {
    flag: 'verify', kind: { type: 'boolean' },
    help: 'run tfjs and onnxruntime on the same images and fail unless max |Δ| <= 1e-4 and top-1 agreement is 100%; prints {"maxAbsDiff","maxRelDiff","top1Agreement","count"} and writes parity.json next to the output',
  },
  verifyData: { flag: 'verify-data', placeholder: 'DIR', kind: { type: 'string' }, help: 'CIFAR-10 images (official binary format) to verify on (default: seeded random images); implies --verify' },
  verifyCount: { flag: 'verify-count', kind: { type: 'int', min: 1, max: 1_000_000 }, help: 'number of images to verify on (default 100); implies --verify' },
  repo: { flag: 'repo', placeholder: 'DIR', kind: { type: 'string' }, help: 'also write the model into a model repository (Triton layout) ...' },
  name: { flag: 'name', placeholder: 'NAME', kind: { type: 'string' }, help: '... under this model name (required with --repo)' },
  precision: {
    flag: 'precision', placeholder: 'P', kind: { type: 'choice', choices: ['fp32', 'int8', 'fp16'] },
    help: "fp32 (default), int8 or fp16: write a quantized version of the (verified) float export, as 'onnx-edge quantize' makes it; with --verify-data it is verified against the float export too (one more JSON line)",
  },
  ...QUANTIZATION_OPTIONS,
  maxAccuracyDrop: MAX_ACCURACY_DROP_OPTION,
} as const;

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model to ONNX (NCHW, BatchNorm folded, opset ${DEFAULT_OPSET} by default). A run folder is a
training run holding tfjs/model.json (its labels.json, if present, becomes the model's labels).

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model.json or run folder');
  const verify = Boolean(values.verify || values.verifyData !== undefined || values.verifyCount !== undefined);
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const precision = values.precision ?? 'fp32';
  const quantizationGiven = Object.keys(QUANTIZATION_OPTIONS).some((key) => values[key as keyof typeof values] !== undefined) || values.maxAccuracyDrop !== undefined;
  if (precision === 'fp32' && quantizationGiven) throw new UsageError('the quantization options need --precision int8 or fp16');
  const chosen = precision === 'fp32' ? undefined : quantizationOptions(precision, values);
  const bar = progressBar('calibrating');

  const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
  const { DEFAULT_MAX_ACCURACY_DROP } = await import('@onnx-edge/export/quantize');
  const { bytes, report } = await exportAndVerify({
    source: positionals[0]!,
    output: values.output,
    opset: values.opset,
    inputLayout: values.inputLayout,
    verify: verify ? { dataDir: values.verifyData, count: values.verifyCount } : undefined,
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (parity) => console.log(JSON.stringify(parity)),
    log: (_step, line) => console.error(line),
    quantize: chosen && {
      options: chosen.precision === 'int8' ? { ...chosen, onProgress: bar.update } : chosen,
      verify: values.verifyData === undefined ? undefined : {
        data: values.verifyData,
        count: values.verifyCount,
        maxAccuracyDrop: values.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP,
        onReport: (report) => console.log(JSON.stringify(report)),
      },
    },
  }).finally(() => bar.done());
  if (values.repo) {
    const { writeExportToRepository } = await import('../../exporting/repository.ts');
    const written = await writeExportToRepository({ repo: values.repo, name: values.name!, bytes, report });
    console.error(`wrote ${written.modelPath} and ${written.configPath}`);
  }
  return 0;
}

export const exportCommand: Command = { help, options: OPTIONS, run };
