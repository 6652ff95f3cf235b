// `onnx-edge verify`: checks an exported ONNX file against the tfjs model it came from.
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';

const OPTIONS = {
  against: { flag: 'against', placeholder: 'PATH', kind: { type: 'string' }, required: true, help: 'the tfjs model.json (layers or graph model, or a run folder) the ONNX file was exported from (required)' },
  data: { flag: 'data', placeholder: 'DIR', kind: { type: 'string' }, help: 'CIFAR-10 images (official binary format) to verify on (default: seeded random images)' },
  count: { flag: 'count', kind: { type: 'int', min: 1, max: 1_000_000 }, help: 'number of images (default 100)' },
} as const;

const help = `Usage: onnx-edge verify <model.onnx> --against <model.json|run folder> [options]

Runs the tfjs model and the ONNX model on the same images and prints
{"maxAbsDiff","maxRelDiff","top1Agreement","count"}; exits non-zero unless max |Δ| <= 1e-4 and top-1
agreement is 100%. The ONNX input layout is read from the file's metadata.

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one .onnx file');
  const { graphModelJson, refuseClassifierOptions, verifyGraphOnnxFile } = await import('../../exporting/export-graph.ts');
  const graphModel = await graphModelJson(values.against!);
  if (graphModel) {
    refuseClassifierOptions(graphModel, { verifyData: values.data });
    await verifyGraphOnnxFile(positionals[0]!, graphModel, { count: values.count, onParity: (report) => console.log(JSON.stringify(report)) });
    return 0;
  }
  const { verifyOnnxFile } = await import('../../exporting/verify-file.ts');
  await verifyOnnxFile(positionals[0]!, values.against!, {
    dataDir: values.data,
    count: values.count,
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (report) => console.log(JSON.stringify(report)),
  });
  return 0;
}

export const verifyCommand: Command = { help, options: OPTIONS, run };
