// `onnx-edge verify`: checks an exported ONNX file against the tfjs model it came from.
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { refuseForGraphModels, verificationOptions, verificationRequest } from '../options/verification.ts';

const OPTIONS = {
  against: { flag: 'against', placeholder: 'PATH', kind: { type: 'string' }, required: true, help: 'the tfjs model.json (layers or graph model, or a run folder) the ONNX file was exported from (required)' },
  plugin: { flag: 'plugin', placeholder: 'FILE', kind: { type: 'string' }, repeatable: true, help: 'ES module registering custom layer classes (repeatable; docs/PLUGINS.md)' },
  ...verificationOptions(''),
} as const;

const help = `Usage: onnx-edge verify <model.onnx> --against <model.json|run folder> [options]

Runs the tfjs model and the ONNX model on the same inputs and prints the report as one JSON line (per
output: max |Δ|, max relative error, the element nearest the limit); exits non-zero unless every output
element has |Δ| <= atol + rtol·|ref| and class-score outputs agree on top-1. The ONNX input layout is read
from the file's metadata.

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one .onnx file');
  const { graphModelJson, refuseClassifierOptions, verifyGraphOnnxFile } = await import('../../exporting/export-graph.ts');
  const graphModel = await graphModelJson(values.against!);
  if (graphModel) {
    refuseClassifierOptions(graphModel, { verifyData: values.data });
    refuseForGraphModels({ plugin: values.plugin, shape: values.shape, range: values.range, atol: values.atol, rtol: values.rtol });
    await verifyGraphOnnxFile(positionals[0]!, graphModel, { count: values.count, onParity: (report) => console.log(JSON.stringify(report)) });
    return 0;
  }
  const { verifyOnnxFile } = await import('../../exporting/verify-file.ts');
  await verifyOnnxFile(positionals[0]!, values.against!, {
    ...verificationRequest(values),
    plugins: values.plugin,
    log: (line) => console.error(line),
    // Printed before the check, so a failed verification still shows its numbers.
    onParity: (report) => console.log(JSON.stringify(report)),
  });
  return 0;
}

export const verifyCommand: Command = { help, options: OPTIONS, run };
