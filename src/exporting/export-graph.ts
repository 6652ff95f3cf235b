// Export and verification of a tfjs graph model (tfjs-converter output), the graph front end's side of
// `onnx-edge export` and `onnx-edge verify`: load, compile, check against tf.loadGraphModel().executeAsync
// (a failed check throws before anything is written), compile again with the verified figures in the
// metadata, then write the ONNX file and parity.json atomically.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '@onnx-edge/core/node';
import {
  checkGraphParity, exportGraphModel, loadGraphModelSource, ModelFileError, readModelJson, resolveModelJson, useVerificationBackend,
  verifyGraphModel, type ExportReport, type GraphParityReport, type GraphVerifyOptions,
} from '@onnx-edge/export';
import { readLabelsFile } from './labels-file.ts';
import { readOnnxFile } from './verify-file.ts';
import type { ExportTarget } from './request.ts';

export interface GraphExportRequest extends ExportTarget {
  /** Verify against tfjs (absent: no verification). */
  verify?: Pick<GraphVerifyOptions, 'count' | 'range' | 'atol' | 'rtol'>;
  /** Called with the parity report before it is checked, so a failing one is still shown. */
  onParity?: (report: GraphParityReport) => void;
  log: (line: string) => void;
}

/** The model.json a path names, when it is a graph model; undefined for a layers model. */
export async function graphModelJson(source: string): Promise<string | undefined> {
  const modelJson = await resolveModelJson(source);
  return (await readModelJson(modelJson)).format === 'graph-model' ? modelJson : undefined;
}

/** Flags that only fit the project's image classifiers, refused for a graph model in one line. */
export function refuseClassifierOptions(modelJson: string, options: { verifyData?: string }): void {
  if (options.verifyData) throw new ModelFileError(`${modelJson} is a graph model: --verify-data feeds CIFAR-10 images to [N,32,32,3] classifiers; graph models verify on seeded inputs (--verify, --verify-count)`);
}

export async function exportAndVerifyGraph(request: GraphExportRequest): Promise<{ bytes: Uint8Array; report: ExportReport; parity?: GraphParityReport }> {
  if (request.output) {
    const folder = dirname(resolve(request.output));
    if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new ModelFileError(`output folder ${folder} does not exist`);
  }
  await useVerificationBackend();
  const source = await loadGraphModelSource(await resolveModelJson(request.source));
  const labels = request.contract?.labels ?? (request.labelsFile ? await readLabelsFile(request.labelsFile) : undefined);
  const options = { opset: request.opset, inputLayout: request.inputLayout, contract: { ...request.contract, labels } };
  let { bytes, report } = exportGraphModel(source, options);
  let parity: GraphParityReport | undefined;
  if (request.verify) {
    parity = await verifyGraphModel(source, bytes, { ...request.verify, inputLayout: request.inputLayout });
    request.onParity?.(parity);
    checkGraphParity(parity);
    ({ bytes, report } = exportGraphModel(source, { ...options, parity }));
  }
  if (!request.output) return { bytes, report, ...(parity ? { parity } : {}) };
  await writeFileAtomic(request.output, bytes);
  const nodes = Object.values(report.opCounts).reduce((a, b) => a + b, 0);
  const transposes = report.opCounts['Transpose'] ?? 0;
  request.log(`wrote ${request.output} (${(bytes.length / 1e6).toFixed(2)} MB, ${nodes} nodes of which ${transposes} Transpose${transposes === 1 ? '' : 's'}, ${report.parameters.toLocaleString('en-US')} parameters, opset ${report.opset}, exported in ${report.timings.totalMs.toFixed(0)} ms)`);
  if (parity) {
    const parityPath = join(dirname(request.output), 'parity.json');
    await writeFileAtomic(parityPath, `${JSON.stringify(parity, null, 2)}\n`);
    request.log(`wrote ${parityPath}`);
  }
  return { bytes, report, ...(parity ? { parity } : {}) };
}

/** An ONNX file on disk checked against the graph model it came from, fed in the layout its metadata names. */
export async function verifyGraphOnnxFile(onnxPath: string, modelJson: string, options: { count?: number; onParity?: (report: GraphParityReport) => void }): Promise<GraphParityReport> {
  const { bytes, layout } = await readOnnxFile(onnxPath);
  await useVerificationBackend();
  const parity = await verifyGraphModel(await loadGraphModelSource(modelJson), bytes, { count: options.count, inputLayout: layout });
  options.onParity?.(parity);
  checkGraphParity(parity);
  return parity;
}
