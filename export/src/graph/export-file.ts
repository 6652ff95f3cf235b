// The work behind `onnx-edge export` and `onnx-edge verify` for a graph model: load, export, verify against
// tfjs, then write — nothing is written unless every step succeeded. The verified numbers travel inside the
// file's metadata, and in parity.json beside it.
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { ModelFileError } from '../io/load-model.ts';
import { useVerificationBackend } from '../verify/backend.ts';
import { checkGraphParity, verifyGraphModel, type GraphParityReport, type GraphVerifyOptions } from '../verify/graph-parity.ts';
import { exportGraphModel } from './export.ts';
import { loadGraphModelSource, readJsonFile } from './load.ts';
import { isGraphModelJson } from './model-json.ts';

export interface GraphExportFileOptions {
  opset?: number;
  inputLayout?: 'nchw' | 'nhwc';
  verify?: Pick<GraphVerifyOptions, 'count' | 'range' | 'atol' | 'rtol'>;
  output: string;
  /** Called with the parity report before it is checked (the CLI prints it even when it fails). */
  onParity?: (report: GraphParityReport) => void;
}

/** Whether a model.json on disk is a graph model (tfjs-converter output). */
export async function isGraphModelFile(modelJson: string): Promise<boolean> {
  return isGraphModelJson((await readJsonFile(modelJson)).json);
}

export async function exportGraphModelFile(modelJson: string, options: GraphExportFileOptions): Promise<{ parity?: GraphParityReport; messages: string[] }> {
  await useVerificationBackend();
  const source = await loadGraphModelSource(modelJson);
  const exportOptions = { opset: options.opset, inputLayout: options.inputLayout };
  let { bytes, report } = exportGraphModel(source, exportOptions);
  let parity: GraphParityReport | undefined;
  if (options.verify) {
    parity = await verifyGraphModel(source, bytes, { ...options.verify, inputLayout: options.inputLayout });
    options.onParity?.(parity);
    checkGraphParity(parity);
    ({ bytes, report } = exportGraphModel(source, { ...exportOptions, parity }));
  }
  const nodes = Object.values(report.opCounts).reduce((a, b) => a + b, 0);
  const transposes = report.opCounts['Transpose'] ?? 0;
  const summary = `${nodes} nodes (${transposes} Transpose${transposes === 1 ? '' : 's'}), ${report.parameters.toLocaleString('en-US')} parameters, opset ${report.opset}, exported in ${report.timings.totalMs.toFixed(0)} ms`;
  await writeFileAtomic(options.output, bytes);
  const messages = [`wrote ${options.output} (${summary})`];
  if (parity) {
    const parityPath = join(dirname(options.output), 'parity.json');
    await writeFileAtomic(parityPath, `${JSON.stringify(parity, null, 2)}\n`);
    messages.push(`wrote ${parityPath}`);
  }
  return { parity, messages };
}

/** Verifies an ONNX file against the graph model it was exported from. */
export async function verifyGraphModelFile(onnxBytes: Uint8Array, modelJson: string, options: Pick<GraphVerifyOptions, 'count' | 'inputLayout'> & { onParity?: (report: GraphParityReport) => void }): Promise<GraphParityReport> {
  await useVerificationBackend();
  const source = await loadGraphModelSource(modelJson);
  const parity = await verifyGraphModel(source, onnxBytes, options);
  options.onParity?.(parity);
  checkGraphParity(parity);
  return parity;
}

/** Flags that only layers classifiers take, refused for a graph model in one line. */
export function refuseLayersOnlyOptions(modelJson: string, options: { dataDir?: string; repository?: unknown }): void {
  if (options.dataDir) throw new ModelFileError(`${modelJson} is a graph model: --verify-data feeds CIFAR-10 images to [N,32,32,3] classifiers; graph models verify on seeded inputs (--verify, --verify-count)`);
  if (options.repository) throw new ModelFileError(`${modelJson} is a graph model: --repo writes image classifiers; write the graph model's ONNX file with -o`);
}
