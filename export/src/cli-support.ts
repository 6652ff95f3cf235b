// The work behind `onnx-edge export` and `onnx-edge verify`, as functions the CLI commands call after
// validating their flags. Nothing is written unless every step (load, export, verification) succeeded.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ParityReport } from './contract.ts';
import { METADATA_KEYS } from './contract.ts';
import { exportModel } from './export.ts';
import { writeFileAtomic } from './io/atomic-write.ts';
import { loadLayersModelFromFile, ModelFileError, resolveModelJson } from './io/load-model.ts';
import { readOnnxMetadata } from './onnx/metadata.ts';
import type { QuantizeOptions } from './quantize/quantize.ts';
import type { VerifyQuantizedOptions } from './quantize/verified.ts';
import { useVerificationBackend } from './verify/backend.ts';
import { checkParity, verifyParity, type VerifyOptions } from './verify/parity.ts';

export interface ExportFromPathOptions {
  opset?: number;
  inputLayout?: 'nchw' | 'nhwc';
  verify?: Pick<VerifyOptions, 'dataDir' | 'count'>;
  output?: string;
  repository?: { repo: string; name: string };
  /** Called with the parity report before it is checked (the CLI prints it even when it fails). */
  onParity?: (report: ParityReport) => void;
  /** Writes an int8 or fp16 version of the verified float export instead (verified against it on `data`). */
  quantize?: { options: QuantizeOptions; verify?: VerifyQuantizedOptions };
}

export interface ExportFromPathResult {
  parity?: ParityReport;
  /** What was written, for the user. */
  messages: string[];
}

/** labels.json of a training run (a JSON array of names), next to tfjs/ or to model.json. */
async function runLabels(modelJson: string): Promise<string[] | undefined> {
  for (const candidate of [join(dirname(modelJson), 'labels.json'), join(dirname(dirname(modelJson)), 'labels.json')]) {
    const text = await readFile(candidate, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let labels: unknown;
    try {
      labels = JSON.parse(text);
    } catch {
      throw new ModelFileError(`${candidate} is not valid JSON: expected an array of class names`);
    }
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new ModelFileError(`${candidate} must be a JSON array of class names`);
    return labels;
  }
  return undefined;
}

/** The labels written into the ONNX metadata, else the class indices. */
function repositoryLabels(bytes: Uint8Array, classes: number | string | undefined): string[] {
  const raw = readOnnxMetadata(bytes)[METADATA_KEYS.labels];
  if (raw) return JSON.parse(raw) as string[];
  return Array.from({ length: typeof classes === 'number' ? classes : 0 }, (_, i) => String(i));
}

export async function exportModelFromPath(source: string, options: ExportFromPathOptions): Promise<ExportFromPathResult> {
  if (options.output) {
    const folder = dirname(options.output);
    if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new ModelFileError(`output folder ${folder} does not exist`);
  }
  await useVerificationBackend();
  const modelJson = await resolveModelJson(source);
  const model = await loadLayersModelFromFile(modelJson);
  const labels = await runLabels(modelJson);
  const exportOptions = { opset: options.opset, inputLayout: options.inputLayout, labels };
  let { bytes, report } = exportModel(model, exportOptions);
  let parity: ParityReport | undefined;
  if (options.verify) {
    parity = await verifyParity(model, bytes, { ...options.verify, inputLayout: options.inputLayout });
    options.onParity?.(parity);
    checkParity(parity);
    // The verified numbers travel inside the file; the graph and weights are the same bytes as before.
    ({ bytes, report } = exportModel(model, { ...exportOptions, parity }));
  }
  const messages: string[] = [];
  if (options.quantize) {
    const { quantizeVerified } = await import('./quantize/verified.ts');
    const quantized = await quantizeVerified(bytes, options.quantize.options, options.quantize.verify);
    bytes = quantized.bytes;
    messages.push(...quantized.warnings.map((w) => `warning: ${w}`));
  }
  const ops = Object.values(report.opCounts).reduce((a, b) => a + b, 0);
  const precision = options.quantize ? `${options.quantize.options.precision}, ` : '';
  const summary = `${precision}${ops} nodes, ${report.parameters.toLocaleString('en-US')} parameters, opset ${report.opset}, exported in ${report.timings.totalMs.toFixed(0)} ms`;
  if (options.output) {
    await writeFileAtomic(options.output, bytes);
    messages.push(`wrote ${options.output} (${summary})`);
    if (parity) {
      const parityPath = join(dirname(options.output), 'parity.json');
      await writeFileAtomic(parityPath, `${JSON.stringify(parity, null, 2)}\n`);
      messages.push(`wrote ${parityPath}`);
    }
  }
  if (options.repository) {
    const { writeModelToRepository } = await import('@onnx-edge/serve/repository/writer');
    const written = await writeModelToRepository({
      ...options.repository,
      onnxBytes: bytes,
      labels: repositoryLabels(bytes, report.outputs[0]?.shape.at(-1)),
      inputName: report.inputs[0]!.name,
      outputNames: report.outputs.map((o) => o.name),
      dims: report.inputs[0]!.shape.slice(1).map(Number),
    });
    messages.push(`wrote ${written.modelPath} and ${written.configPath}`);
  }
  model.dispose();
  return { parity, messages };
}

/** Verifies an ONNX file against its tfjs model; returns the report after `onParity`, throws if it fails. */
export async function verifyOnnxFile(
  onnxPath: string,
  against: string,
  options: Pick<VerifyOptions, 'dataDir' | 'count'> & { onParity?: (report: ParityReport) => void },
): Promise<ParityReport> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (err) {
    throw new ModelFileError(`cannot read ${onnxPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let layout: string | undefined;
  try {
    layout = readOnnxMetadata(bytes)[METADATA_KEYS.inputLayout];
  } catch (err) {
    throw new ModelFileError(`${onnxPath} is not an ONNX model: ${(err as Error).message}`);
  }
  await useVerificationBackend();
  const model = await loadLayersModelFromFile(await resolveModelJson(against));
  const report = await verifyParity(model, bytes, { ...options, inputLayout: layout === 'NHWC' ? 'nhwc' : 'nchw' });
  model.dispose();
  options.onParity?.(report);
  checkParity(report);
  return report;
}
