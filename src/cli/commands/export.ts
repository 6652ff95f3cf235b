// `onnx-edge export`: tfjs layers model (model.json or a training run folder) → ONNX file, optionally
// verified against tfjs and written into a Triton-layout model repository.
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '@onnx-edge/export/versions';
import { verificationOptions, verificationRequest } from '../options/verification.ts';

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
} as const;

const help = `Usage: onnx-edge export <model.json|run folder> -o model.onnx [options]

Compiles a tfjs layers model to ONNX (NCHW, BatchNorm folded, opset ${DEFAULT_OPSET} by default). A run folder is a
training run holding tfjs/model.json (its labels.json, if present, becomes the model's labels).

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(OPTIONS, argv, { positionals: true });
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model.json or run folder');
  const verification = verificationRequest(values);
  const verify = Boolean(values.verify || Object.values(verification).some((v) => v !== undefined));
  if (!values.output && !values.repo) throw new UsageError('give an output file with -o (or a model repository with --repo)');
  if ((values.repo === undefined) !== (values.name === undefined)) throw new UsageError('--repo and --name go together');

  const { exportAndVerify } = await import('../../exporting/export-and-verify.ts');
  const { bytes, report } = await exportAndVerify({
    source: positionals[0]!,
    output: values.output,
    opset: values.opset,
    inputLayout: values.inputLayout,
    verify: verify ? verification : undefined,
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

export const exportCommand: Command = { help, options: OPTIONS, run };
