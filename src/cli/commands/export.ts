// `onnx-edge export`: tfjs layers model (model.json or a training run folder) or tfjs graph model → ONNX file,
// optionally verified against tfjs, and/or into a Triton-layout model repository. The contract flags (--labels,
// --input-range, --mean, --std, --channels, --kind, --input-kind, --dataset) take the text the ONNX metadata
// holds, parsed by the same @onnx-edge/core parsers that read it back.
import { INPUT_KINDS, OUTPUT_KINDS, parseColor, parseNumberList, parseRange } from '@onnx-edge/core';
import { formatOptions, parseOptions, UsageError, type Command, type OptionValues } from '@onnx-edge/core/cli';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '@onnx-edge/export/versions';
import { MAX_ACCURACY_DROP_OPTION, progressBar, QUANTIZATION_OPTIONS, quantizationOptions } from './quantize.ts';
import type { ContractHints, ExportReport } from '@onnx-edge/export';
import { refuseForGraphModels, verificationOptions, verificationRequest } from '../options/verification.ts';

const OPTIONS = {
  output: { flag: 'output', short: 'o', placeholder: 'FILE', kind: { type: 'string' }, help: 'ONNX file to write (written atomically: never a partial file)' },
  opset: { flag: 'opset', kind: { type: 'int', min: MIN_OPSET, max: MAX_OPSET }, default: DEFAULT_OPSET, help: 'ONNX opset, {range} (default {default})' },
  inputLayout: { flag: 'input-layout', kind: { type: 'choice', choices: ['nchw', 'nhwc'] }, help: 'nchw (default) or nhwc image input' },
  plugin: { flag: 'plugin', placeholder: 'FILE', kind: { type: 'string' }, repeatable: true, help: 'ES module registering custom layer classes (repeatable; docs/PLUGINS.md)' },
  verify: {
    flag: 'verify', kind: { type: 'boolean' },
    help: 'run tfjs and onnxruntime on the same inputs and fail unless every output element has |Δ| <= atol + rtol·|ref| and class-score outputs agree on top-1; prints the report as one JSON line (per output: max |Δ|, max relative error, the element nearest the limit) and writes parity.json next to the output',
  },
  ...verificationOptions('verify-'),
  repo: { flag: 'repo', placeholder: 'DIR', kind: { type: 'string' }, help: 'also write the model into a model repository (Triton layout) ...' },
  name: { flag: 'name', placeholder: 'NAME', kind: { type: 'string' }, help: '... under this model name (required with --repo)' },
  precision: {
    flag: 'precision', placeholder: 'P', kind: { type: 'choice', choices: ['fp32', 'int8', 'fp16'] },
    help: "fp32 (default), int8 or fp16: write a quantized version of the (verified) float export, as 'onnx-edge quantize' makes it; with --verify-data it is verified against the float export too (one more JSON line)",
  },
  ...QUANTIZATION_OPTIONS,
  maxAccuracyDrop: MAX_ACCURACY_DROP_OPTION,
  labels: {
    flag: 'labels', placeholder: 'FILE', kind: { type: 'string' },
    help: "class names, a JSON array or one per line (default: a run folder's labels.json; CIFAR-10's for a 32x32 RGB ten-class model; else class indexes)",
  },
  inputRange: {
    flag: 'input-range', placeholder: 'LO,HI', kind: { type: 'string' },
    help: "the values 0..255 pixels become: 0,1 (default), -1,1, 0,255 or any LO,HI (a value starting with '-' takes '=': --input-range=-1,1)",
  },
  mean: { flag: 'mean', placeholder: 'M[,M..]', kind: { type: 'string' }, help: 'subtracted after --input-range: one value, or one per channel (e.g. 0.485,0.456,0.406)' },
  std: { flag: 'std', placeholder: 'S[,S..]', kind: { type: 'string' }, help: 'divided by after --mean: one value, or one per channel (e.g. 0.229,0.224,0.225)' },
  channels: {
    flag: 'channels', kind: { type: 'choice', choices: ['1', '3', '4', 'gray', 'rgb', 'bgr', 'rgba', 'bgra'] },
    help: 'what the image input takes: gray (1), rgb (3), bgr, rgba (4) or bgra (default: from its shape)',
  },
  kind: {
    flag: 'kind', kind: { type: 'choice', choices: OUTPUT_KINDS },
    help: 'what the output holds: {range} (default: Softmax at the end -> probabilities, a linear layer -> logits, an image shape -> image)',
  },
  inputKind: { flag: 'input-kind', kind: { type: 'choice', choices: INPUT_KINDS }, help: '{range} (default: image for an [N,H,W,C] input with 1, 3 or 4 channels)' },
  dataset: { flag: 'dataset', placeholder: 'NAME', kind: { type: 'string' }, help: 'what the model was trained on (cifar10, synthetic or any name), shown by the web demo' },
} as const;

/** The contract flags as hints for the exporter; a malformed value is a usage error naming its flag. */
function contractHints(values: OptionValues<typeof OPTIONS>): Omit<ContractHints, 'labels'> {
  const parse = <T>(flag: string, text: string | undefined, parser: (text: string) => T): T | undefined => {
    if (text === undefined) return undefined;
    try {
      return parser(text);
    } catch (err) {
      throw new UsageError(`--${flag}: ${(err as Error).message}`);
    }
  };
  return {
    range: parse('input-range', values.inputRange, parseRange),
    mean: parse('mean', values.mean, (text) => parseNumberList(text)),
    std: parse('std', values.std, (text) => parseNumberList(text, true)),
    color: parse('channels', values.channels, parseColor),
    outputKind: values.kind,
    inputKind: values.inputKind,
    dataset: values.dataset,
  };
}

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model or a tfjs graph model (tfjs-converter output) to ONNX (NCHW, BatchNorm folded,
opset ${DEFAULT_OPSET} by default). A run folder is a training run holding tfjs/model.json (its labels.json, if
present, becomes the model's labels). A graph model is verified on seeded inputs (two sizes where a dim is
unknown) against tf.loadGraphModel().executeAsync: every output element within atol + rtol·|ref|.

The model's contract goes into the file's metadata, for the server and the web demo: its input (an image's
size, channels, layout, value range, mean/std, or a tensor), its output (probabilities, logits, image or
tensor), its labels and the data it was trained on. Flags win over the model.json's userDefinedMetadata
(keys labels, inputRange, mean, std, channels, kind, inputKind, dataset), which wins over what the graph
shows.

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model.json or run folder');
  const verification = verificationRequest(values);
  const verify = Boolean(values.verify || Object.values(verification).some((v) => v !== undefined));
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const precision = values.precision ?? 'fp32';
  const quantizationGiven = Object.keys(QUANTIZATION_OPTIONS).some((key) => values[key as keyof typeof values] !== undefined) || values.maxAccuracyDrop !== undefined;
  if (precision === 'fp32' && quantizationGiven) throw new UsageError('the quantization options need --precision int8 or fp16');
  const chosen = precision === 'fp32' ? undefined : quantizationOptions(precision, values);
  const bar = progressBar('calibrating');

  const hints = contractHints(values);
  const { exportAndVerifyGraph, graphModelJson, refuseClassifierOptions } = await import('../../exporting/export-graph.ts');
  const graphModel = await graphModelJson(positionals[0]!);
  let exported: { bytes: Uint8Array; report: ExportReport };
  if (graphModel) {
    refuseClassifierOptions(graphModel, { verifyData: values.data });
    refuseForGraphModels({ plugin: values.plugin, 'verify-shape': values.shape, 'verify-range': values.range });
    if (chosen) throw new UsageError(`--precision takes a layers model here; quantize the graph model's export with 'onnx-edge quantize'`);
    exported = await exportAndVerifyGraph({
      source: graphModel,
      output: values.output,
      opset: values.opset,
      inputLayout: values.inputLayout,
      contract: hints,
      labelsFile: values.labels,
      verify: verify ? { count: values.count, atol: values.atol, rtol: values.rtol } : undefined,
      onParity: (parity) => console.log(JSON.stringify(parity)),
      log: (line) => console.error(line),
    });
  } else {
    const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
    const { DEFAULT_MAX_ACCURACY_DROP } = await import('@onnx-edge/export/quantize');
    exported = await exportAndVerify({
      source: positionals[0]!,
      output: values.output,
      opset: values.opset,
      inputLayout: values.inputLayout,
      contract: hints,
      labelsFile: values.labels,
      verify: verify ? verification : undefined,
      plugins: values.plugin,
      // Printed before the check, so a failed verification still shows its numbers.
      onParity: (parity) => console.log(JSON.stringify(parity)),
      log: (_step, line) => console.error(line),
      quantize: chosen && {
        options: chosen.precision === 'int8' ? { ...chosen, onProgress: bar.update } : chosen,
        verify: values.data === undefined ? undefined : {
          data: values.data,
          count: values.count,
          maxAccuracyDrop: values.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP,
          onReport: (report) => console.log(JSON.stringify(report)),
        },
      },
    }).finally(() => bar.done());
  }
  if (values.repo) {
    const { writeExportToRepository } = await import('../../exporting/repository.ts');
    const written = await writeExportToRepository({ repo: values.repo, name: values.name!, ...exported });
    console.error(`wrote ${[written.modelPath, written.configPath, written.labelsPath].filter((p) => p !== undefined).join(', ')}`);
  }
  return 0;
}

export const exportCommand: Command = { help, options: OPTIONS, run };
