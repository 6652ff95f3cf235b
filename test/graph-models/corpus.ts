// The graph-model corpus: the tfjs graph models @vladmandic/human ships (a devDependency, read from
// node_modules, never copied). Each model is exported, checked and verified against tfjs the way
// `onnx-edge export --verify` does it; docs/GRAPH-MODELS.md is the table of the results.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkGraphParity, exportGraphModel, loadGraphModelSource, useVerificationBackend, verifyGraphModel, type GraphModelSource, type GraphParityReport,
} from '@onnx-edge/export';
import { checkModel, transposesBetweenConvolutions } from '@onnx-edge/export/testing';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HUMAN_MODELS = join(REPO_ROOT, 'node_modules', '@vladmandic', 'human', 'models');
export const GRAPH_MODELS_DOC = join(REPO_ROOT, 'docs', 'GRAPH-MODELS.md');

/** The eleven graph models of @vladmandic/human 3.3.6's models/ folder. */
export const CORPUS = [
  'antispoof', 'blazeface', 'centernet', 'emotion', 'facemesh', 'faceres', 'handlandmark-lite', 'handtrack', 'iris', 'liveness',
  'movenet-lightning',
] as const;

/**
 * Models verified with a wider atol than the default 1e-4, with why. centernet's heads reach values of ~400
 * after ~100 layers whose activations reach ~70: float32 summation order alone moves its small outputs by
 * ~2e-4, and tfjs' own cpu and wasm backends differ by 3.0e-3 on its `tower_0/wh` output (measured on the
 * same [0, 1) inputs), so 1e-4 would test the summation order rather than the export.
 */
export const WIDER_ATOL: Readonly<Record<string, { atol: number; reason: string }>> = {
  centernet: { atol: 1e-3, reason: 'tfjs cpu vs wasm differ by 3.0e-3 on tower_0/wh (values up to ~400)' },
};

export function corpusPath(model: string): string {
  return join(HUMAN_MODELS, `${model}.json`);
}

/** Why the corpus cannot be read here, or undefined when it can. */
export function corpusMissing(): string | undefined {
  return existsSync(corpusPath(CORPUS[0])) ? undefined : `${HUMAN_MODELS} is missing: run npm ci (the corpus is the devDependency @vladmandic/human)`;
}

export interface CorpusExport {
  model: string;
  source: GraphModelSource;
  /** How the weights are stored: float32, or the quantization dtypes used. */
  weights: string;
  /** Inputs as `name dtype [shape]`, -1 for unknown dims. */
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

export async function exportCorpusModel(model: string): Promise<CorpusExport> {
  await useVerificationBackend();
  const source = await loadGraphModelSource(corpusPath(model));
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
export async function runCorpusModel(model: string): Promise<CorpusResult> {
  const exported = await exportCorpusModel(model);
  const parity = await verifyGraphModel(exported.source, exported.bytes, { count: 2, atol: WIDER_ATOL[model]?.atol });
  checkGraphParity(parity);
  return { ...exported, parity };
}
