// exportGraphModel: a tfjs graph model → graph front end → the same passes and serializer as layers models.
import { finishExport, type ExportOptions, type ExportResult } from '../export.ts';
import { DEFAULT_OPSET, irVersionForOpset } from '../onnx/versions.ts';
import type { GraphParityReport } from '../verify/graph-parity.ts';
import type { GraphModelSource } from './load.ts';
import { GraphModelWalker } from './walk.ts';

export type GraphExportOptions = Omit<ExportOptions, 'parity'> & {
  /** The verification report of an earlier export, written into the metadata. */
  parity?: GraphParityReport;
};

export function exportGraphModel(source: GraphModelSource, options: GraphExportOptions = {}): ExportResult {
  const opset = options.opset ?? DEFAULT_OPSET;
  irVersionForOpset(opset);
  const inputLayout = options.inputLayout ?? 'nchw';
  const start = performance.now();
  const graph = new GraphModelWalker(source.model, source.weights.tensors, { opset, inputLayout }).run();
  return finishExport(graph, { ...options, opset, inputLayout }, { sourceModelSha256: source.sha256, userDefinedMetadata: source.model.raw['userDefinedMetadata'], start });
}
