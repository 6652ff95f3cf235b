// `onnx-edge export`: tfjs layers model (model.json or a training run folder) or tfjs graph model → ONNX file,
// optionally verified against tfjs; a layers classifier can also go into a Triton-layout model repository.
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '@onnx-edge/export/versions';

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
} as const;

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model or a tfjs graph model (tfjs-converter output) to ONNX (NCHW, BatchNorm folded,
opset ${DEFAULT_OPSET} by default). A run folder is a training run holding tfjs/model.json (its labels.json, if
present, becomes the model's labels). A graph model is verified on seeded inputs (two sizes where a dim is
unknown) against tf.loadGraphModel().executeAsync: every output element within 1e-4 + 1e-4·|ref|.

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model.json or run folder');
  const verify = Boolean(values.verify || values.verifyData !== undefined || values.verifyCount !== undefined || values.atol !== undefined || values.rtol !== undefined);
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const { exportAndVerifyGraph, graphModelJson, refuseClassifierOptions } = await import('../../exporting/export-graph.ts');
  const graphModel = await graphModelJson(positionals[0]!);
  if (graphModel) {
    refuseClassifierOptions(graphModel, { verifyData: values.verifyData, repo: values.repo });
    await exportAndVerifyGraph({
      source: graphModel,
      output: values.output!,
      opset: values.opset,
      inputLayout: values.inputLayout,
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
