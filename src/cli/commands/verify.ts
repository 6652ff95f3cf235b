// `onnx-edge verify`: checks an exported ONNX file against the tfjs model it came from.
import { intFlag, numberFlag, parseFlags, rangeFlag, shapesFlag, UsageError, type Command } from '../kit.ts';

const help = `Usage: onnx-edge verify <model.onnx> --against <model.json|run folder> [options]

Runs the tfjs model and the ONNX model on the same inputs and prints the report as one JSON line (per
output: max |Δ|, max relative error, the element nearest the limit); exits non-zero unless every output
element has |Δ| <= atol + rtol·|ref| and class-score outputs agree on top-1. The ONNX input layout is read
from the file's metadata.

Options:
  --against <path>      the tfjs model.json (or run folder) the ONNX file was exported from (required)
  --plugin <file>       ES module registering custom layer classes (repeatable; docs/PLUGINS.md)
  --data <DIR>          CIFAR-10 images (official binary format) for RGB image inputs, resized to the
                        verified size (default: seeded random inputs)
  --count <N>           inputs per verified size (default 100)
  --shape <S>           size to verify on, one shape per input, batch first: 1x48x80x3 (',' between the
                        inputs' shapes); repeatable. Default: unknown dims on two sizes (spatial 64 and
                        48×80, others 1 and 2)
  --range <LO,HI>       value range of the inputs (default 0,1); --data images are scaled to it
  --atol <X>, --rtol <X>  tolerances (default rtol 1e-4, atol 1e-4 × max(1, |LO|, |HI|) of the range)
  -h, --help            show this help`;

const options = {
  against: { type: 'string' },
  data: { type: 'string' },
  count: { type: 'string' },
  shape: { type: 'string', multiple: true },
  range: { type: 'string' },
  atol: { type: 'string' },
  rtol: { type: 'string' },
  plugin: { type: 'string', multiple: true },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, options, true);
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one .onnx file');
  if (!values.against) throw new UsageError('--against <model.json|run folder> is required');
  const count = intFlag('count', values.count, 1, 1_000_000);
  const { verifyOnnxFile } = await import('../../exporting/verify-file.ts');
  await verifyOnnxFile(positionals[0]!, values.against, {
    dataDir: values.data,
    count,
    shapes: values.shape?.map((raw) => shapesFlag('shape', raw)),
    range: rangeFlag('range', values.range),
    atol: numberFlag('atol', values.atol, 0, 1e6),
    rtol: numberFlag('rtol', values.rtol, 0, 1e6),
    plugins: values.plugin,
    log: (line) => console.error(line),
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (report) => console.log(JSON.stringify(report)),
  });
  return 0;
}

export const verifyCommand: Command = { name: 'verify', summary: 'check an ONNX file against its tfjs model', help, run };
