// The Markdown of `bench all`: the machine, the headline ratios against this project's targets, then one
// table per benchmark (from report.ts), rendered from the combined results JSON.
import type { InferenceReport } from './inference/measure.ts';
import type { MachineFacts } from './machine.ts';
import { formatRealModelsTable, realModelsHeadline, type RealModelsReport } from './real-models/report.ts';
import {
  fmt, formatBrowserTable, formatConvWidthTable, formatExportTable, formatInferenceTable, formatGraphModelsTable, formatQuantizedTable, formatServeTable, formatTrainPeerTable, formatTrainTable,
  type BrowserRow, type ExportRow, type GraphModelRow, type QuantizedNetworkLike, type ServeNetworkLike, type TrainPeerRowLike, type TrainRowLike,
} from './report.ts';

export type BenchName = 'inference' | 'quantized' | 'graph-models' | 'export' | 'real-models' | 'train' | 'serve' | 'browser';

export interface AllReport {
  benchmark: 'all';
  date: string;
  quick: boolean;
  machine: MachineFacts;
  loadAverageAfter: number[];
  /** Wall-clock seconds of each benchmark. */
  seconds: Partial<Record<BenchName, number>>;
  /** Each benchmark's own results JSON, as it wrote it. */
  results: Partial<Record<BenchName, unknown>>;
  failures: Partial<Record<BenchName, string>>;
}

/** Targets on the 2-core reference machine (issue: one bench command). */
export const TARGETS = { ortOverTfjsAt32: { inception10: 8, resnet18: 5 } as Record<string, number>, ortOfPeakAt128: 0.8, int8OverFp32At32: { resnet18: 2 } as Record<string, number> };

export function formatQuantizedHeadlines(networks: QuantizedNetworkLike[]): string[] {
  return networks.flatMap((n) => {
    const at32 = n.rows.find((r) => r.batch === 32);
    const target = TARGETS.int8OverFp32At32[n.network];
    return at32 ? [`- ${n.network}: int8 ÷ float32 in onnxruntime at batch 32 = **${fmt(at32.int8OverFp32, 2)}×**${target ? ` (goal ≥ ${target}×: ${at32.int8OverFp32 >= target ? 'met' : 'not met'})` : ''}; int8 file ${fmt(n.bytes.int8 / n.bytes.fp32, 3)} of float32`] : [];
  });
}

export function formatHeadlines(inference: InferenceReport): string[] {
  const lines: string[] = [];
  for (const n of inference.networks) {
    const at32 = n.rows.find((r) => r.batch === 32);
    const at128 = n.rows.find((r) => r.batch === 128);
    const target = TARGETS.ortOverTfjsAt32[n.network];
    if (at32) lines.push(`- ${n.network}: onnxruntime ÷ tfjs-${inference.tfjsBackend.name} at batch 32 = **${fmt(at32.ortOverTfjs, 2)}×**${target ? ` (target ≥ ${target}×: ${at32.ortOverTfjs >= target ? 'met' : 'not met'})` : ''}`);
    if (at128) lines.push(`- ${n.network}: onnxruntime ÷ MatMul peak at batch 128 = **${fmt(100 * at128.ortOfPeak, 0)}%** of ${fmt(at128.peakGflops)} GFLOP/s (target ≥ ${100 * TARGETS.ortOfPeakAt128}%: ${at128.ortOfPeak >= TARGETS.ortOfPeakAt128 ? 'met' : 'not met'}); ${fmt(n.flops.flopsPerImage / 1e6)} MFLOP per image`);
  }
  return lines;
}

function machineLine(m: MachineFacts, loadAfter: number[]): string {
  const versions = Object.entries(m.packages).map(([name, v]) => `${name} ${v}`).join(', ');
  return `${m.cpuModel}, ${m.cores} cores (${m.simd.join(' ') || 'no SIMD flags read'}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${versions}${m.commit ? `; commit ${m.commit}` : ''}. Load average before ${m.loadAverage.join(' ')}, after ${loadAfter.join(' ')}.`;
}

export function formatAllReport(report: AllReport): string {
  const r = report.results;
  const out: string[] = [
    `### Benchmarks — ${report.date.slice(0, 10)}, host ${report.machine.host}${report.quick ? ' (quick run)' : ''}`,
    '',
    machineLine(report.machine, report.loadAverageAfter),
    '',
  ];
  const inference = r.inference as InferenceReport | undefined;
  if (inference) {
    out.push(...formatHeadlines(inference), '', `#### Inference (onnxruntime-node on the export vs tfjs-${inference.tfjsBackend.name}, same weights and images; ${inference.settings.rounds} interleaved rounds, medians; ort threads: the faster of onnxruntime's two idle-thread settings)`, '', formatInferenceTable(inference), '');
    if (inference.convWidths) out.push('#### What onnxruntime\'s convolution reaches by channel width (chains of equal FLOPs on 16×16 maps, timed with the same MatMul peak; half of Inception10\'s FLOPs are 16-channel convolutions)', '', formatConvWidthTable(inference.convWidths), '');
  }
  const quantized = r.quantized as { networks: QuantizedNetworkLike[]; settings: { rounds: number } } | undefined;
  if (quantized) out.push(...formatQuantizedHeadlines(quantized.networks), '', `#### int8 vs float32 (onnxruntime-node, ${quantized.settings.rounds} interleaved rounds with each precision's MatMul peak, medians)`, '', formatQuantizedTable(quantized.networks), '');
  const graphModels = r['graph-models'] as { rows: GraphModelRow[]; geometricMeanOrtOverTfjs: number; settings: { tfjsBackend: string; rounds: number } } | undefined;
  if (graphModels) {
    const measured = graphModels.rows.filter((m) => m.ortOverTfjs !== undefined);
    out.push(
      `#### Graph models (published tfjs graph models, @vladmandic/human: onnxruntime-node on the export vs tfjs-${graphModels.settings.tfjsBackend} on the original, batch 1; ${graphModels.settings.rounds} interleaved rounds, medians)`,
      '',
      `- onnxruntime ÷ tfjs-${graphModels.settings.tfjsBackend}: **${fmt(graphModels.geometricMeanOrtOverTfjs, 2)}×** geometric mean over ${measured.length} models (from ${fmt(Math.min(...measured.map((m) => m.ortOverTfjs!)), 2)}× to ${fmt(Math.max(...measured.map((m) => m.ortOverTfjs!)), 2)}×)`,
      '',
      formatGraphModelsTable(graphModels),
      '',
    );
  }
  const exported = r.export as { rows: ExportRow[] } | undefined;
  if (exported) out.push('#### Export (each network in a fresh process)', '', formatExportTable(exported.rows), '');
  const real = r['real-models'] as RealModelsReport | undefined;
  if (real) out.push(`#### Published tfjs layers models (the corpus of docs/REAL-MODELS.md, batch 1, ${real.settings.size}×${real.settings.size}, ${real.settings.rounds} interleaved rounds, medians)`, '', realModelsHeadline(real), '', formatRealModelsTable(real), '');
  const train = r.train as { results: TrainRowLike[]; peer?: { version?: string; rows?: TrainPeerRowLike[]; skipped?: string } | null } | undefined;
  if (train) {
    out.push('#### Training (tfjs, Adam steps at the tutorial batch sizes)', '', formatTrainTable(train.results), '');
    if (train.peer?.rows?.length) out.push(`#### Training against PyTorch ${train.peer.version ?? ''} (same architectures from the tfjs layer configs, one step of each in turn)`, '', formatTrainPeerTable(train.peer.rows), '');
    else if (train.peer?.skipped) out.push(`No PyTorch peer: ${train.peer.skipped}.`, '');
  }
  const serve = r.serve as { results: ServeNetworkLike[]; secondsPerMeasurement?: number } | undefined;
  if (serve) out.push(`#### Server (POST /classify, closed loop over loopback${serve.secondsPerMeasurement ? `, ${serve.secondsPerMeasurement} s per level` : ''}) vs raw onnxruntime`, '', formatServeTable(serve.results), '');
  const browser = r.browser as { rows: BrowserRow[] } | undefined;
  if (browser) out.push('#### Browser (web demo in headless Chromium, batch 1; WebGPU runs on a software adapter here)', '', formatBrowserTable(browser.rows), '');
  const failed = Object.entries(report.failures);
  if (failed.length) out.push('#### Failed', '', ...failed.map(([name, why]) => `- ${name}: ${why}`), '');
  out.push(`Wall time per benchmark (s): ${Object.entries(report.seconds).map(([n, s]) => `${n} ${s}`).join(', ')}. Command: \`npm run bench${report.quick ? ' -- --quick' : ''}\`.`);
  return out.join('\n');
}
