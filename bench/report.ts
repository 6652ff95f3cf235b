// The combined report of `bench all`: Markdown tables, one per benchmark, from the results JSON. Every
// section takes the JSON its benchmark wrote, so a table can be re-rendered from a committed results file.
import type { InferenceReport } from './inference/measure.ts';

/** A GitHub-flavoured Markdown table; columns listed in `numeric` are right-aligned. */
export function markdownTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (numeric.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals, or '–' when it was not measured. */
export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

const range = (from: number, to: number) => new Set(Array.from({ length: to - from + 1 }, (_, i) => from + i));

export function formatInferenceTable(report: InferenceReport): string {
  const tfjs = `tfjs-${report.tfjsBackend.name} img/s`;
  const header = ['network', 'batch', 'ort img/s', 'ort threads', tfjs, 'ort ÷ tfjs', 'ort GFLOP/s', 'MatMul peak GFLOP/s', 'ort ÷ peak'];
  const rows = report.networks.flatMap((n) => n.rows.map((r) => [
    n.network, String(r.batch), fmt(r.ortImagesPerSecond), r.ortSpinning ? 'spinning' : 'sleeping', fmt(r.tfjsImagesPerSecond), `${fmt(r.ortOverTfjs, 2)}×`,
    fmt(r.ortGflops), fmt(r.peakGflops), `${fmt(100 * r.ortOfPeak, 0)}%`,
  ]));
  return markdownTable(header, rows, new Set([1, 2, 4, 5, 6, 7, 8]));
}

/** The rows of the convolution width probe that the table shows. */
export interface ConvWidthRowLike { kernel: number; channels: number; map: number; batch: number; gflops: number; peakGflops: number; ofPeak: number }

export function formatConvWidthTable(rows: ConvWidthRowLike[]): string {
  const header = ['Conv+ReLU ×12', 'channels', 'map', 'batch', 'GFLOP/s', 'MatMul peak GFLOP/s', '÷ peak'];
  const body = rows.map((r) => [`${r.kernel}×${r.kernel}`, `${r.channels}→${r.channels}`, `${r.map}×${r.map}`, String(r.batch), fmt(r.gflops), fmt(r.peakGflops), `${fmt(100 * r.ofPeak, 0)}%`]);
  return markdownTable(header, body, range(3, 6));
}

export interface ExportRow {
  network: string;
  /** Median export time after a first (cold) one. */
  medianMs: number;
  coldMs: number;
  /** Peak resident memory of the child process that built and exported the network. */
  maxRssMiB: number;
  /** Resident memory before exporting (tfjs loaded, model built): what the export itself adds is the rest. */
  rssBeforeMiB: number;
  onnxBytes: number;
  tfjsWeightBytes: number;
  tfjsModelJsonBytes: number;
}

export function formatExportTable(rows: ExportRow[]): string {
  const header = ['network', 'export ms (cold)', 'export ms (median)', 'peak RSS MiB (before export)', 'ONNX bytes', 'tfjs weights + model.json bytes', 'ONNX ÷ tfjs'];
  const body = rows.map((r) => [
    r.network, fmt(r.coldMs, 0), fmt(r.medianMs, 0), `${fmt(r.maxRssMiB, 0)} (${fmt(r.rssBeforeMiB, 0)})`, String(r.onnxBytes),
    `${r.tfjsWeightBytes} + ${r.tfjsModelJsonBytes}`, fmt(r.onnxBytes / (r.tfjsWeightBytes + r.tfjsModelJsonBytes), 3),
  ]);
  return markdownTable(header, body, range(1, 6));
}

/** The rows of bench train's JSON that the table shows. */
export interface TrainRowLike { backend: string; adapter?: string; kernels?: string; network: string; variant?: string; batchSize: number; workers: number; medianStepMs: number; imagesPerSecond: number; imagesPerCpuSecond?: number }

export function formatTrainTable(rows: TrainRowLike[]): string {
  const header = ['backend', 'kernels', 'network', 'batch', 'workers', 'median step ms', 'images/s', 'images/CPU-s'];
  const body = rows.map((r) => [
    r.adapter ? `${r.backend} (${r.adapter})` : r.backend, r.kernels ?? r.backend, !r.variant || r.variant === 'seed' ? r.network : `${r.network} (${r.variant})`,
    String(r.batchSize), String(r.workers), fmt(r.medianStepMs, 0), fmt(r.imagesPerSecond), fmt(r.imagesPerCpuSecond),
  ]);
  return markdownTable(header, body, range(3, 7));
}

/** The rows of bench train's PyTorch comparison that the table shows. */
export interface TrainPeerRowLike {
  network: string;
  batchSize: number;
  ours: { kernels: string; workers?: number; medianStepMs: number; imagesPerSecond: number; imagesPerCpuSecond: number };
  pytorch: { threads: number; medianStepMs: number; imagesPerSecond: number; imagesPerCpuSecond: number };
  ratio: number;
  cpuRatio: number;
}

export function formatTrainPeerTable(rows: TrainPeerRowLike[]): string {
  const header = ['network', 'batch', 'ours (kernels, workers)', 'ours step ms', 'ours images/s', 'PyTorch step ms', 'PyTorch images/s', 'ours ÷ PyTorch', 'per CPU-s: ours ÷ PyTorch'];
  const body = rows.map((r) => [
    r.network, String(r.batchSize), `wasm (${r.ours.kernels}, ${r.ours.workers ?? 1})`, fmt(r.ours.medianStepMs, 0), fmt(r.ours.imagesPerSecond),
    fmt(r.pytorch.medianStepMs, 0), fmt(r.pytorch.imagesPerSecond), `${fmt(r.ratio, 2)}×`, `${fmt(r.cpuRatio, 2)}×`,
  ]);
  return markdownTable(header, body, new Set([1, 3, 4, 5, 6, 7, 8]));
}

/** The parts of bench serve's JSON that the table shows. */
export interface ServeNetworkLike {
  network: string;
  raw: { batch: number; imagesPerSecond: number }[];
  /** `route` is absent in results from before v2 was measured (all /classify). */
  server: { route?: 'classify' | 'v2-json' | 'v2-binary'; concurrency: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; failures: number; meanBatchSize: number }[];
}

const SERVE_ROUTES = { 'classify': 'POST /classify', 'v2-json': 'v2 infer, JSON', 'v2-binary': 'v2 infer, binary tensors' } as const;

export function formatServeTable(results: ServeNetworkLike[]): string {
  const header = ['network', 'route', 'concurrency', 'server req/s', 'p50 ms', 'p99 ms', 'mean batch', 'raw ort img/s (batch = concurrency)', 'server ÷ raw', 'failures'];
  const body = results.flatMap(({ network, raw, server }) => server.map((s) => {
    const r = raw.find((x) => x.batch === s.concurrency);
    return [network, SERVE_ROUTES[s.route ?? 'classify'], String(s.concurrency), fmt(s.requestsPerSecond), fmt(s.p50Ms), fmt(s.p99Ms), fmt(s.meanBatchSize), fmt(r?.imagesPerSecond), r ? `${fmt((100 * s.requestsPerSecond) / r.imagesPerSecond, 0)}%` : '–', String(s.failures)];
  }));
  return markdownTable(header, body, range(2, 9));
}

export interface BrowserRow {
  network: string;
  /** 'int8' for the quantized network (absent: float32). */
  precision?: string;
  /** Execution provider the page reports it ran on. */
  ep: string;
  /** Median ms per image of the page's steady runs (batch 1), median over the images classified. */
  medianMsPerImage: number;
  firstInferenceMs: number;
  sessionMs: number;
  images: number;
  /** tfjs in the same page (WASM rows): median ms per image of as many runs, and how its answers compare. */
  tfjs?: { backend: string; threads: number; medianMsPerImage: number; setupMs: number; maxAbsDiffTop5: number };
}

export function formatBrowserTable(rows: BrowserRow[]): string {
  const header = ['network', 'execution provider', 'ms per image (median)', 'images/s', 'tfjs in the page, ms per image', 'ort ÷ tfjs', 'first inference ms', 'session create ms', 'images'];
  const body = rows.map((r) => [
    r.precision ? `${r.network} (${r.precision})` : r.network, r.ep, fmt(r.medianMsPerImage, 2), fmt(1000 / r.medianMsPerImage),
    r.tfjs ? `${fmt(r.tfjs.medianMsPerImage, 2)} (${r.tfjs.backend}, ${r.tfjs.threads} thread${r.tfjs.threads === 1 ? '' : 's'})` : '—',
    r.tfjs ? `${fmt(r.tfjs.medianMsPerImage / r.medianMsPerImage, 2)}×` : '—',
    fmt(r.firstInferenceMs), fmt(r.sessionMs), String(r.images),
  ]);
  return markdownTable(header, body, new Set([2, 3, 5, 6, 7, 8]));
}

/** The parts of bench quantized's JSON that the tables show. */
export interface QuantizedNetworkLike {
  network: string;
  bytes: { fp32: number; int8: number; fp16: number };
  rows: { batch: number; fp32ImagesPerSecond: number; int8ImagesPerSecond: number; int8OverFp32: number; fp32Gflops: number; int8Gops: number; fp32PeakGflops: number; int8PeakGops: number }[];
}

export function formatQuantizedTable(networks: QuantizedNetworkLike[]): string {
  const header = ['network', 'batch', 'fp32 img/s', 'int8 img/s', 'int8 ÷ fp32', 'fp32 GFLOP/s (÷ fp32 peak)', 'int8 GOP/s (÷ int8 peak)', 'MatMul 2048³ peaks fp32 / int8'];
  const body = networks.flatMap((n) => n.rows.map((r) => [
    n.network, String(r.batch), fmt(r.fp32ImagesPerSecond), fmt(r.int8ImagesPerSecond), `${fmt(r.int8OverFp32, 2)}×`,
    `${fmt(r.fp32Gflops)} (${fmt((100 * r.fp32Gflops) / r.fp32PeakGflops, 0)}%)`, `${fmt(r.int8Gops)} (${fmt((100 * r.int8Gops) / r.int8PeakGops, 0)}%)`,
    `${fmt(r.fp32PeakGflops, 0)} / ${fmt(r.int8PeakGops, 0)}`,
  ]));
  const sizes = markdownTable(
    ['network', 'fp32 bytes', 'int8 bytes (÷ fp32)', 'fp16 bytes (÷ fp32)'],
    networks.map((n) => [n.network, String(n.bytes.fp32), `${n.bytes.int8} (${fmt(n.bytes.int8 / n.bytes.fp32, 3)})`, `${n.bytes.fp16} (${fmt(n.bytes.fp16 / n.bytes.fp32, 3)})`]),
    range(1, 3),
  );
  return `${markdownTable(header, body, range(1, 7))}\n\n${sizes}`;
}

/** A published graph model measured by bench graph-models; a refused one carries its one-line refusal instead. */
export interface GraphModelRow {
  model: string;
  kind: 'graph';
  input?: string;
  exportMs?: number;
  onnxBytes?: number;
  ortMedianMs?: number;
  tfjsMedianMs?: number;
  ortImagesPerSecond?: number;
  tfjsImagesPerSecond?: number;
  ortOverTfjs?: number;
  refused?: string;
}

export function formatGraphModelsTable(report: { rows: GraphModelRow[]; geometricMeanOrtOverTfjs: number; settings: { tfjsBackend: string } }): string {
  const tfjs = `tfjs-${report.settings.tfjsBackend} img/s`;
  const header = ['model', 'kind', 'input (batch 1)', 'export ms', 'ort img/s', tfjs, 'ort ÷ tfjs'];
  const body = report.rows.map((r) => (r.refused
    ? [r.model, r.kind, '–', '–', '–', '–', 'refused']
    : [r.model, r.kind, r.input ?? '', fmt(r.exportMs, 0), fmt(r.ortImagesPerSecond), fmt(r.tfjsImagesPerSecond), `${fmt(r.ortOverTfjs, 2)}×`]));
  body.push(['geometric mean', '', '', '', '', '', `${fmt(report.geometricMeanOrtOverTfjs, 2)}×`]);
  return markdownTable(header, body, range(3, 6));
}
