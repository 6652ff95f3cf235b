// `onnx-edge export`: tfjs layers model (model.json or a training run folder) or tfjs graph model → ONNX file,
// optionally verified against tfjs; a layers model can also go into a Triton-layout model repository. The contract flags (--labels,
// --input-range, --mean, --std, --channels, --kind, --input-kind, --dataset) take the text the ONNX metadata
// holds, parsed by the same @onnx-edge/core parsers that read it back.
import { INPUT_KINDS, OUTPUT_KINDS, parseColor, parseNumberList, parseRange } from '@onnx-edge/core';
import { formatOptions, parseOptions, UsageError, type Command, type OptionValues } from '@onnx-edge/core/cli';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '@onnx-edge/export/versions';
import type { ContractHints } from '@onnx-edge/export';

const OPTIONS = {
  output: { flag: 'output', short: 'o', placeholder: 'FILE', kind: { type: 'string' }, help: 'ONNX file to write (written atomically: never a partial file)' },
  opset: { flag: 'opset', kind: { type: 'int', min: MIN_OPSET, max: MAX_OPSET }, default: DEFAULT_OPSET, help: 'ONNX opset, {range} (default {default})' },
  inputLayout: { flag: 'input-layout', kind: { type: 'choice', choices: ['nchw', 'nhwc'] }, help: 'nchw (default) or nhwc image input' },
  verify: {
    flag: 'verify', kind: { type: 'boolean' },
    help: 'run tfjs and onnxruntime on the same images and fail unless max |Δ| <= 1e-4 and top-1 agreement is 100%; prints {"maxAbsDiff","maxRelDiff","top1Agreement","count"} and writes parity.json next to the output',
  },
  verifyData: { flag: 'verify-data', placeholder: 'DIR', kind: { type: 'string' }, help: 'CIFAR-10 images (official binary format) to verify on (default: seeded random images); implies --verify' },
  verifyCount: { flag: 'verify-count', kind: { type: 'int', min: 1, max: 1_000_000 }, help: 'number of images to verify on (default 100; graph models: input sets per size, default 2); implies --verify' },
  atol: { flag: 'atol', kind: { type: 'number', min: 0, max: 1 }, help: 'graph models: absolute tolerance of |Δ| <= atol + rtol·|ref| (default 1e-4); implies --verify' },
  rtol: { flag: 'rtol', kind: { type: 'number', min: 0, max: 1 }, help: 'graph models: relative tolerance (default 1e-4); implies --verify' },
  repo: { flag: 'repo', placeholder: 'DIR', kind: { type: 'string' }, help: 'also write the model into a model repository (Triton layout) ...' },
  name: { flag: 'name', placeholder: 'NAME', kind: { type: 'string' }, help: '... under this model name (required with --repo)' },
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
  const verify = Boolean(values.verify || values.verifyData !== undefined || values.verifyCount !== undefined || values.atol !== undefined || values.rtol !== undefined);
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const hints = contractHints(values);
  const { exportAndVerifyGraph, graphModelJson, refuseClassifierOptions } = await import('../../exporting/export-graph.ts');
  const graphModel = await graphModelJson(positionals[0]!);
  if (graphModel) {
    refuseClassifierOptions(graphModel, { verifyData: values.verifyData, repo: values.repo });
    await exportAndVerifyGraph({
      source: graphModel,
      output: values.output!,
      opset: values.opset,
      inputLayout: values.inputLayout,
      contract: hints,
      labelsFile: values.labels,
      verify: verify ? { count: values.verifyCount, atol: values.atol, rtol: values.rtol } : undefined,
      onParity: (parity) => console.log(JSON.stringify(parity)),
      log: (line) => console.error(line),
    });
    return 0;
  }
  if (values.atol !== undefined || values.rtol !== undefined) throw new UsageError('--atol and --rtol set the tolerance of a graph model\'s verification; a layers model is verified with max |Δ| <= 1e-4 and top-1 agreement');
  const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
  const { bytes, report } = await exportAndVerify({
    source: positionals[0]!,
    output: values.output,
    opset: values.opset,
    inputLayout: values.inputLayout,
    contract: hints,
    labelsFile: values.labels,
    verify: verify ? { dataDir: values.verifyData, count: values.verifyCount } : undefined,
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (parity) => console.log(JSON.stringify(parity)),
    log: (_step, line) => console.error(line),
  });
  if (values.repo) {
    const { writeExportToRepository } = await import('../../exporting/repository.ts');
    const written = await writeExportToRepository({ repo: values.repo, name: values.name!, bytes, report });
    console.error(`wrote ${written.modelPath} and ${written.configPath}`);
  }
  return 0;
}

export const exportCommand: Command = { help, options: OPTIONS, run };
