// The real-models table and its headline: onnxruntime ÷ tfjs-wasm per corpus model and over the corpus.
import { fmt, markdownTable } from '../report.ts';
import type { RealModelRow } from './measure.ts';

export interface RealModelsReport {
  tfjsBackend: string;
  settings: { size: number; exports: number; warmup: number; rounds: number; threads: number };
  rows: RealModelRow[];
  /** Models that could not be measured, with the one-line reason. */
  failures: { model: string; error: string }[];
}

const geometricMean = (values: number[]) => Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);

export function realModelsHeadline(report: RealModelsReport): string {
  const ratios = report.rows.map((r) => r.ortOverTfjs);
  if (ratios.length === 0) return '- real models: none measured';
  const best = report.rows.reduce((a, b) => (b.ortOverTfjs > a.ortOverTfjs ? b : a));
  const worst = report.rows.reduce((a, b) => (b.ortOverTfjs < a.ortOverTfjs ? b : a));
  return `- real models (${ratios.length}, batch 1, ${report.settings.size}×${report.settings.size}): onnxruntime ÷ tfjs-${report.tfjsBackend} = **${fmt(geometricMean(ratios), 2)}×** (geometric mean; ${fmt(worst.ortOverTfjs, 2)}× ${worst.model} to ${fmt(best.ortOverTfjs, 2)}× ${best.model})`;
}

export function formatRealModelsTable(report: RealModelsReport): string {
  const header = ['model', 'parameters', 'nodes', 'input', 'export ms', 'ort img/s', `tfjs-${report.tfjsBackend} img/s`, 'ort ÷ tfjs'];
  const rows = report.rows.map((r) => [
    r.model, r.parameters.toLocaleString('en-US'), String(r.nodes), r.input.join('×'), fmt(r.exportMs, 0), fmt(r.ortImagesPerSecond, 2), fmt(r.tfjsImagesPerSecond, 2), `${fmt(r.ortOverTfjs, 2)}×`,
  ]);
  const table = markdownTable(header, rows, new Set([1, 2, 4, 5, 6, 7]));
  return report.failures.length === 0 ? table : `${table}\n\nNot measured: ${report.failures.map((f) => `${f.model} (${f.error})`).join('; ')}`;
}
