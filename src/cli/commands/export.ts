// `onnx-edge export`: tfjs layers model (model.json or a training run folder) → ONNX file, optionally
// verified against tfjs and written into a Triton-layout model repository.
import { choiceFlag, intFlag, numberFlag, parseFlags, rangeFlag, shapesFlag, UsageError, type Command } from '../kit.ts';

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model to ONNX (NCHW, BatchNorm folded, opset 17 by default). A run folder is a
training run holding tfjs/model.json (its labels.json, if present, becomes the model's labels).

Options:
  -o, --output <file>      ONNX file to write (written atomically: never a partial file)
  --opset <N>              ONNX opset, 13..21 (default 17)
  --input-layout <L>       nchw (default) or nhwc image input
  --plugin <file>          ES module registering custom layer classes (repeatable; docs/PLUGINS.md)
  --verify                 run tfjs and onnxruntime on the same inputs and fail unless every output element
                           has |Δ| <= atol + rtol·|ref| and class-score outputs agree on top-1; prints the
                           report as one JSON line (per output: max |Δ|, max relative error, the element
                           nearest the limit) and writes parity.json next to the output
  --verify-data <DIR>      CIFAR-10 images (official binary format) for RGB image inputs, resized to the
                           verified size (default: seeded random inputs)
  --verify-count <N>       inputs per verified size (default 100)
  --verify-shape <S>       size to verify on, one shape per input, batch first: 1x48x80x3 (',' between the
                           inputs' shapes); repeatable. Default: the model's sizes, unknown dims on two sizes
                           (spatial 64 and 48×80, others 1 and 2)
  --verify-range <LO,HI>   value range of the inputs (default 0,1); --verify-data images are scaled to it
  --atol <X>, --rtol <X>   tolerances of the check (default rtol 1e-4, atol 1e-4 × max(1, |LO|, |HI|): float32
                           rounding grows with the values, 0-255 inputs give a few 1e-4 where 0-1 give 1e-6)
                           Each --verify-* option and the tolerances imply --verify.
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
  'verify-shape': { type: 'string', multiple: true },
  'verify-range': { type: 'string' },
  atol: { type: 'string' },
  rtol: { type: 'string' },
  plugin: { type: 'string', multiple: true },
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
  const tolerances = { atol: numberFlag('atol', values.atol, 0, 1e6), rtol: numberFlag('rtol', values.rtol, 0, 1e6) };
  const shapes = values['verify-shape']?.map((raw) => shapesFlag('verify-shape', raw));
  const range = rangeFlag('verify-range', values['verify-range']);
  const verify = Boolean(values.verify || values['verify-data'] !== undefined || verifyCount !== undefined || shapes || range
    || tolerances.atol !== undefined || tolerances.rtol !== undefined);
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
  const { bytes, report } = await exportAndVerify({
    source: positionals[0]!,
    output: values.output,
    opset,
    inputLayout,
    verify: verify ? { dataDir: values['verify-data'], count: verifyCount, shapes, range, ...tolerances } : undefined,
    plugins: values.plugin,
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
