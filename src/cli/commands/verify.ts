// `onnx-edge verify`: checks an exported ONNX file against the tfjs model it came from.
import { intFlag, parseFlags, UsageError, type Command } from '../kit.ts';

const help = `Usage: onnx-edge verify <model.onnx> --against <model.json|run folder> [options]

Runs the tfjs model and the ONNX model on the same images and prints
{"maxAbsDiff","maxRelDiff","top1Agreement","count"}; exits non-zero unless max |Δ| <= 1e-4 and top-1
agreement is 100%. The ONNX input layout is read from the file's metadata.

Options:
  --against <path>   the tfjs model.json (or run folder) the ONNX file was exported from (required)
  --data <DIR>       CIFAR-10 images (official binary format) to verify on (default: seeded random images)
  --count <N>        number of images (default 100)
  -h, --help         show this help`;

const options = {
  against: { type: 'string' },
  data: { type: 'string' },
  count: { type: 'string' },
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
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (report) => console.log(JSON.stringify(report)),
  });
  return 0;
}

export const verifyCommand: Command = { name: 'verify', summary: 'check an ONNX file against its tfjs model', help, run };
