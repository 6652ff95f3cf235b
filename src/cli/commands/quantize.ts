// `onnx-edge quantize`: a float ONNX model → int8 (static, calibrated on real images, QDQ) or fp16, optionally
// verified against the float original. Nothing is written unless every step succeeded. The quantization
// options are shared with `onnx-edge export --precision` (QUANTIZATION_OPTIONS, quantizationOptions).
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatOptions, parseOptions, UsageError, type Command, type OptionValues } from '@onnx-edge/core/cli';
import type { CalibrationMethod, Fp16Options, Int8Options } from '@onnx-edge/export/quantize';

/** The methods of @onnx-edge/export/quantize, listed here so that `--help` loads no onnxruntime. */
const METHODS = ['minmax', 'percentile', 'entropy'] as const satisfies readonly CalibrationMethod[];

/** The options that choose and tune a quantization, shared with `export --precision`. */
export const QUANTIZATION_OPTIONS = {
  calibration: {
    flag: 'calibration', placeholder: 'DATA', kind: { type: 'string' },
    help: 'int8: images to calibrate on: CIFAR-10 binary (a folder of *.bin, one .bin file, cifar-10-binary.tar.gz) or a folder of PNG/JPEG/WebP images (resized to 32×32 as the server does; in folders named by class for labels)',
  },
  calibrationCount: { flag: 'calibration-count', kind: { type: 'int', min: 1, max: 10_000_000 }, help: 'int8: the first N images (default 1000)' },
  method: {
    flag: 'method', kind: { type: 'choice', choices: METHODS },
    help: 'int8: minmax (default; the observed range), percentile (magnitudes clipped at their 99.999th percentile) or entropy (the clip with the least KL divergence)',
  },
  perChannel: { flag: 'per-channel', kind: { type: 'boolean' }, help: 'int8: one weight scale per output channel (default)' },
  perTensor: { flag: 'per-tensor', kind: { type: 'boolean' }, help: 'int8: one weight scale per weight tensor' },
  keepFloat: { flag: 'keep-float', placeholder: 'LIST', kind: { type: 'list', choices: ['first', 'last'] }, help: 'first, last or first,last: keep the first/last Conv/Gemm/MatMul in float32 (int8 and fp16; the first reads the raw pixels)' },
  noBiasCorrection: {
    flag: 'no-bias-correction', kind: { type: 'boolean' },
    help: 'int8: keep the biases as they are (by default each Conv/Gemm bias absorbs the mean error its rounded weights add, measured on the calibration images)',
  },
} as const;

/** Validated options for quantizeModel; int8 needs --calibration, fp16 takes none of the int8 options. */
export function quantizationOptions(precision: 'int8' | 'fp16', values: OptionValues<typeof QUANTIZATION_OPTIONS>): Int8Options | Fp16Options {
  const keep = values.keepFloat ?? [];
  const keepFloat = { first: keep.includes('first'), last: keep.includes('last') };
  if (precision === 'fp16') {
    const given = Object.entries(QUANTIZATION_OPTIONS).find(([key]) => key !== 'keepFloat' && values[key as keyof typeof values] !== undefined);
    if (given) throw new UsageError(`--${given[1].flag} applies to int8; fp16 needs no calibration`);
    return { precision, keepFloat };
  }
  if (!values.calibration) throw new UsageError('int8 needs --calibration <DATA>: real images to measure the activation ranges on');
  if (values.perChannel && values.perTensor) throw new UsageError('--per-channel and --per-tensor exclude each other');
  return {
    precision,
    calibration: values.calibration,
    calibrationCount: values.calibrationCount,
    method: values.method,
    perChannel: !values.perTensor,
    keepFloat,
    biasCorrection: !values.noBiasCorrection,
  };
}

/** A bar redrawn in place on a terminal; plain lines every 10% otherwise (logs, CI). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; done(): void } {
  const started = performance.now();
  let lastTenth = -1;
  return {
    update(done, total) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      if (stream.isTTY) {
        const filled = Math.round((done / total) * 24);
        stream.write(`\r\x1b[2K${label} [${'='.repeat(filled)}${'.'.repeat(24 - filled)}] ${done}/${total} images ${seconds} s`);
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label} ${done}/${total} images ${seconds} s\n`);
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/** The quantized model's verification, shared with `export --precision`. */
export const MAX_ACCURACY_DROP_OPTION = {
  flag: 'max-accuracy-drop', placeholder: 'P', kind: { type: 'number', min: 0, max: 100 },
  help: 'largest accepted accuracy drop of the quantized model against the float one, in points (default 1)',
} as const;

const OPTIONS = {
  output: { flag: 'output', short: 'o', placeholder: 'FILE', kind: { type: 'string' }, help: 'the quantized ONNX file (written atomically)' },
  int8: { flag: 'int8', kind: { type: 'boolean' }, help: 'static int8 in QDQ form, calibrated on --calibration images' },
  fp16: { flag: 'fp16', kind: { type: 'boolean' }, help: 'float16 weights and activations, float32 inputs and outputs' },
  ...QUANTIZATION_OPTIONS,
  verify: {
    flag: 'verify', kind: { type: 'boolean' },
    help: 'run the float and the quantized model on the same images; print {"data","count","top1Agreement","maxAbsDiff","floatAccuracy",...} and fail when the accuracy drops more than --max-accuracy-drop (on unlabelled images: when more top-1 answers change, which bounds the drop)',
  },
  verifyData: { flag: 'verify-data', placeholder: 'DATA', kind: { type: 'string' }, help: 'images to verify on, CIFAR-10 binary or an image folder (default for int8: the calibration data); implies --verify' },
  verifyCount: { flag: 'verify-count', kind: { type: 'int', min: 1, max: 10_000_000 }, help: 'the first N of them (default: all); implies --verify' },
  maxAccuracyDrop: { ...MAX_ACCURACY_DROP_OPTION, help: `${MAX_ACCURACY_DROP_OPTION.help}; implies --verify` },
} as const;

const help = `Usage: onnx-edge quantize <model.onnx> -o <out.onnx> (--int8 --calibration <DATA> | --fp16) [options]

Quantizes a float ONNX classifier for the edge, in JavaScript:
  --int8   static int8 in QDQ form (QuantizeLinear/DequantizeLinear around Conv, Gemm, MatMul and the ops
           onnxruntime fuses between them: Relu, MaxPool, Add, Concat, GlobalAveragePool, AveragePool):
           weights int8 symmetric, activations uint8 with scales and zero points calibrated by running the
           float model in onnxruntime on real images; about 4x smaller, integer kernels on CPUs
  --fp16   float16 weights and activations with float32 inputs and outputs; Softmax, reductions and
           normalisations stay float32; weights beyond ±65504 are clamped (one warning per tensor)
The file keeps the model's metadata (labels, input layout and scale) and records how it was quantized
(method, image count, SHA-256 of the calibration pixels) under onnx_edge.quantization.

Options:
${formatOptions(OPTIONS)}

Exit codes: 0 written, 1 failed (bad model or data, accuracy drop too large: nothing written), 2 bad usage.`;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('quantize takes exactly one float .onnx file');
  if (Boolean(values.int8) === Boolean(values.fp16)) throw new UsageError('choose one precision: --int8 or --fp16');
  if (!values.output) throw new UsageError('give the output file with -o');
  const quantization = quantizationOptions(values.int8 ? 'int8' : 'fp16', values);
  const verify = Boolean(values.verify || values.verifyData !== undefined || values.verifyCount !== undefined || values.maxAccuracyDrop !== undefined);
  const verifyData = values.verifyData ?? (quantization.precision === 'int8' ? quantization.calibration : undefined);
  if (verify && !verifyData) throw new UsageError('fp16 --verify needs --verify-data <DATA>');

  const { quantizeVerified, QuantizeError, DEFAULT_MAX_ACCURACY_DROP } = await import('@onnx-edge/export/quantize');
  const { writeFileAtomic } = await import('@onnx-edge/core/node');
  const source = positionals[0]!;
  const floatBytes = await readFile(source).catch((err: NodeJS.ErrnoException) => {
    throw new QuantizeError(`cannot read ${source}: ${err.code ?? err.message}`);
  });
  const folder = dirname(values.output);
  if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new QuantizeError(`output folder ${folder} does not exist`);
  const bar = progressBar('calibrating');
  const started = performance.now();
  const result = await quantizeVerified(
    floatBytes,
    quantization.precision === 'int8' ? { ...quantization, onProgress: bar.update } : quantization,
    verify ? {
      data: verifyData!,
      count: values.verifyCount,
      maxAccuracyDrop: values.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP,
      // Printed before the check, so a failed verification still shows its numbers.
      onReport: (report) => console.log(JSON.stringify(report)),
    } : undefined,
  ).finally(() => bar.done());
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  await writeFileAtomic(values.output, result.bytes);
  const how = result.record.method ? `, ${result.record.method} calibration on ${result.record.calibrationData}` : '';
  console.error(`wrote ${values.output} (${quantization.precision}, ${megabytes(result.bytes.length)}, ${(floatBytes.length / result.bytes.length).toFixed(1)}x smaller than ${megabytes(floatBytes.length)}${how}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

export const quantizeCommand: Command = { help, options: OPTIONS, run };
