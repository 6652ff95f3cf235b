// `onnx-edge quantize`: a float ONNX model → int8 (static, calibrated on real images, QDQ) or fp16, optionally
// verified against the float original. Nothing is written unless every step succeeded. The quantization
// flags are shared with `onnx-edge export --precision` (quantizationFlags, quantizationOptions).
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { choiceFlag, intFlag, listFlag, numberFlag, parseFlags, UsageError, type Command } from '../kit.ts';

/** The flags that choose and tune a quantization, shared with `export --precision`. */
export const quantizationFlagsHelp = `  --calibration <DATA>       int8: images to calibrate on: CIFAR-10 binary (a folder of *.bin, one .bin
                             file, cifar-10-binary.tar.gz) or a folder of PNG/JPEG/WebP images (resized to
                             32×32 as the server does; in folders named by class for labels)
  --calibration-count <N>    int8: the first N images (default 1000)
  --method <M>               int8: minmax (default; the observed range), percentile (magnitudes clipped at
                             their 99.999th percentile) or entropy (the clip with the least KL divergence)
  --per-channel              int8: one weight scale per output channel (default)
  --per-tensor               int8: one weight scale per weight tensor
  --keep-float <LIST>        int8: first, last or first,last: keep the first/last Conv/Gemm/MatMul float
  --no-bias-correction       int8: keep the biases as they are (by default each Conv/Gemm bias absorbs the
                             mean error its rounded weights add, measured on the calibration images)`;

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
  -o, --output <file>        the quantized ONNX file (written atomically)
${quantizationFlagsHelp}
  --verify                   run the float and the quantized model on the same images; print
                             {"data","count","top1Agreement","maxAbsDiff","floatAccuracy",...} and fail when
                             the accuracy drops more than --max-accuracy-drop (on unlabelled images: when more
                             top-1 answers change, which bounds the drop)
  --verify-data <DATA>       images to verify on, CIFAR-10 binary or an image folder (default for int8: the
                             calibration data); implies --verify
  --verify-count <N>         the first N of them (default: all); implies --verify
  --max-accuracy-drop <P>    largest accepted drop in accuracy points (default 1); implies --verify
  -h, --help                 show this help

Exit codes: 0 written, 1 failed (bad model or data, accuracy drop too large: nothing written), 2 bad usage.`;

export const quantizationFlags = {
  calibration: { type: 'string' },
  'calibration-count': { type: 'string' },
  method: { type: 'string' },
  'per-channel': { type: 'boolean' },
  'per-tensor': { type: 'boolean' },
  'keep-float': { type: 'string' },
  'no-bias-correction': { type: 'boolean' },
} as const;

type QuantizationValues = { [K in keyof typeof quantizationFlags]?: (typeof quantizationFlags)[K]['type'] extends 'boolean' ? boolean : string };

/** Validated options for quantizeModel from the flags; int8 needs --calibration, fp16 takes none of them. */
export async function quantizationOptions(precision: 'int8' | 'fp16', values: QuantizationValues) {
  const { CALIBRATION_METHODS } = await import('@onnx-edge/export/quantize');
  if (precision === 'fp16') {
    const int8Only = Object.keys(quantizationFlags).find((flag) => values[flag as keyof QuantizationValues] !== undefined);
    if (int8Only) throw new UsageError(`--${int8Only} applies to int8; fp16 needs no calibration`);
    return { precision } as const;
  }
  if (!values.calibration) throw new UsageError('int8 needs --calibration <DATA>: real images to measure the activation ranges on');
  if (values['per-channel'] && values['per-tensor']) throw new UsageError('--per-channel and --per-tensor exclude each other');
  const keep = listFlag('keep-float', values['keep-float'], ['first', 'last'] as const) ?? [];
  return {
    precision,
    calibration: values.calibration,
    calibrationCount: intFlag('calibration-count', values['calibration-count'], 1, 10_000_000),
    method: choiceFlag('method', values.method, CALIBRATION_METHODS),
    perChannel: !values['per-tensor'],
    keepFloat: { first: keep.includes('first'), last: keep.includes('last') },
    biasCorrection: !values['no-bias-correction'],
  } as const;
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

const options = {
  output: { type: 'string', short: 'o' },
  int8: { type: 'boolean' },
  fp16: { type: 'boolean' },
  ...quantizationFlags,
  verify: { type: 'boolean' },
  'verify-data': { type: 'string' },
  'verify-count': { type: 'string' },
  'max-accuracy-drop': { type: 'string' },
} as const;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, options, true);
  if (positionals.length !== 1) throw new UsageError('quantize takes exactly one float .onnx file');
  if (values.int8 === values.fp16) throw new UsageError('choose one precision: --int8 or --fp16');
  if (!values.output) throw new UsageError('give the output file with -o');
  const precision = values.int8 ? 'int8' : 'fp16';
  const quantization = await quantizationOptions(precision, values);
  const verifyCount = intFlag('verify-count', values['verify-count'], 1, 10_000_000);
  const maxDrop = numberFlag('max-accuracy-drop', values['max-accuracy-drop'], 0, 100);
  const verify = Boolean(values.verify || values['verify-data'] !== undefined || verifyCount !== undefined || maxDrop !== undefined);
  const verifyData = values['verify-data'] ?? (quantization.precision === 'int8' ? quantization.calibration : undefined);
  if (verify && !verifyData) throw new UsageError('fp16 --verify needs --verify-data <DATA>');

  const { quantizeVerified, QuantizeError, DEFAULT_MAX_ACCURACY_DROP } = await import('@onnx-edge/export/quantize');
  const { writeFileAtomic } = await import('@onnx-edge/export/io/atomic-write');
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
    quantization.precision === 'int8' ? { ...quantization, onProgress: (done, total) => bar.update(done, total) } : quantization,
    verify ? {
      data: verifyData!,
      count: verifyCount,
      maxAccuracyDrop: maxDrop ?? DEFAULT_MAX_ACCURACY_DROP,
      // Printed before the check, so a failed verification still shows its numbers.
      onReport: (report) => console.log(JSON.stringify(report)),
    } : undefined,
  ).finally(() => bar.done());
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  await writeFileAtomic(values.output, result.bytes);
  const how = result.record.method ? `, ${result.record.method} calibration on ${result.record.calibrationData}` : '';
  console.error(`wrote ${values.output} (${precision}, ${megabytes(result.bytes.length)}, ${(floatBytes.length / result.bytes.length).toFixed(1)}x smaller than ${megabytes(floatBytes.length)}${how}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'int8 (calibrated, QDQ) or fp16 version of a float ONNX model, verified against it',
  help,
  run,
};
