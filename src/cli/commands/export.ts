// `onnx-edge export`: tfjs layers model (model.json or a training run folder) → ONNX file, optionally
// verified against tfjs and written into a Triton-layout model repository.
import { choiceFlag, intFlag, parseFlags, UsageError, type Command } from '../kit.ts';

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

  const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
  const { bytes, report } = await exportAndVerify({
    source: positionals[0]!,
    output: values.output,
    opset,
    inputLayout,
    verify: verify ? { dataDir: values['verify-data'], count: verifyCount } : undefined,
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

export const exportCommand: Command = { name: 'export', summary: 'compile a tfjs model to ONNX (optionally verified)', help, run };
