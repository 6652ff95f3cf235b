// The graph-model corpus (GRAPH_CORPUS of @onnx-edge/export/testing) as the tests run it: each model is
// exported, checked and verified against tfjs the way `onnx-edge export --verify` does it;
// docs/GRAPH-MODELS.md is the table of the results.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkGraphParity, exportGraphModel, loadGraphModelSource, useVerificationBackend, verifyGraphModel, type GraphModelSource, type GraphParityReport,
} from '@onnx-edge/export';
import { checkModel, GRAPH_CORPUS, graphCorpusMissing, graphCorpusPath, transposesBetweenConvolutions, WIDER_ATOL, type GraphCorpusModel } from '@onnx-edge/export/testing';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const GRAPH_MODELS_DOC = join(REPO_ROOT, 'docs', 'GRAPH-MODELS.md');
export { GRAPH_CORPUS, graphCorpusMissing, WIDER_ATOL };

export interface CorpusExport {
  model: string;
  source: GraphModelSource;
  /** How the weights are stored: float32, or the quantization dtypes used. */
  weights: string;
  /** Inputs as `dtype [shape]`, -1 for unknown dims. */
  inputs: string;
  tfOps: number;
  tfNodes: number;
  onnxNodes: number;
  transposes: number;
  transposesBetweenConvolutions: string[];
  exportMs: number;
  bytes: Uint8Array;
  checked: boolean;
}

export interface CorpusResult extends CorpusExport {
  parity: GraphParityReport;
}

export async function exportCorpusModel(model: GraphCorpusModel): Promise<CorpusExport> {
  await useVerificationBackend();
  const source = await loadGraphModelSource(graphCorpusPath(model));
  const { bytes, report } = exportGraphModel(source);
  const specs = source.model.weightsManifest.flatMap((g) => g.weights);
  const weights = [...new Set(specs.filter((w) => w.dtype === 'float32').map((w) => w.quantization?.dtype ?? 'float32'))].join(', ');
  const inputs = source.model.nodes.filter((n) => n.op === 'Placeholder')
    .map((n) => `${n.attrs.type('dtype')!.replace('DT_', '').toLowerCase()} [${n.attrs.shape('shape')}]`).join('; ');
  return {
    model,
    source,
    weights,
    inputs,
    tfOps: new Set(source.model.nodes.map((n) => n.op)).size,
    tfNodes: source.model.nodes.length,
    onnxNodes: Object.values(report.opCounts).reduce((a, b) => a + b, 0),
    transposes: report.opCounts['Transpose'] ?? 0,
    transposesBetweenConvolutions: transposesBetweenConvolutions(bytes),
    exportMs: report.timings.totalMs,
    bytes,
    checked: checkModel(bytes),
  };
}

/** Export, checker and verification (two sizes where a dim is unknown); throws when any of them fails. */
export async function runCorpusModel(model: GraphCorpusModel): Promise<CorpusResult> {
  const exported = await exportCorpusModel(model);
  const parity = await verifyGraphModel(exported.source, exported.bytes, { count: 2, atol: WIDER_ATOL[model]?.atol });
  checkGraphParity(parity);
  return { ...exported, parity };
}
