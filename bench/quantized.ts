// `onnx-edge bench quantized`: the int8 export of each seed network against its float32 export in
// onnxruntime-node, batch 1/32/128, interleaved in the same rounds with the float32 and the int8 MatMul
// peaks (each precision's own limit), plus the sizes of the float32, int8 and fp16 files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportModel, useVerificationBackend } from '@onnx-edge/export';
import { quantizeModel } from '@onnx-edge/export/quantize';
import type { NetworkName } from '@onnx-edge/core';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { buildNetwork, RECORD_BYTES } from '@onnx-edge/train';
import { countFlops } from './inference/flops.ts';
import { benchImages } from './inference/measure.ts';
import { ortSessionOptions } from './inference/ort-options.ts';
import { machineFacts } from './machine.ts';
import { BENCH_NETWORKS, BENCH_OPTIONS, SESSION_BENCH_OPTIONS } from './options.ts';
import { startMatMulPeak } from './peak.ts';
import { formatQuantizedTable } from './report.ts';
import { resultsFile } from './results-file.ts';
import { interleave, median } from './stats.ts';

export interface QuantizedRow {
  network: NetworkName;
  batch: number;
  fp32MedianMs: number;
  int8MedianMs: number;
  fp32ImagesPerSecond: number;
  int8ImagesPerSecond: number;
  /** int8 images/s ÷ float32 images/s: the headline. */
  int8OverFp32: number;
  fp32Gflops: number;
  /** The float32 network's FLOPs done per second by the int8 model (same work, 8-bit arithmetic). */
  int8Gops: number;
  fp32PeakGflops: number;
  int8PeakGops: number;
  samples: { fp32Ms: number[]; int8Ms: number[]; fp32PeakMs: number[]; int8PeakMs: number[] };
}

export interface QuantizedNetwork {
  network: NetworkName;
  flopsPerImage: number;
  bytes: { fp32: number; int8: number; fp16: number };
  /** Largest |Δp| between the int8 and the float32 model on the benchmark's images (they run the same network). */
  maxAbsDiff: number;
  rows: QuantizedRow[];
}

export interface QuantizedReport {
  benchmark: 'quantized';
  date: string;
  machine: ReturnType<typeof machineFacts>;
  settings: { batches: number[]; warmup: number; rounds: number; threads: number; peakN: number; calibrationImages: number };
  method: string;
  networks: QuantizedNetwork[];
}

const OPTIONS = {
  networks: BENCH_OPTIONS.networks,
  ...SESSION_BENCH_OPTIONS,
  peakN: { ...SESSION_BENCH_OPTIONS.peakN, help: 'side of the peak MatMuls (default {default})' },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer rounds (warm-up 1, rounds 3)' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench quantized [options]

The int8 model (onnx-edge quantize, QDQ, per-channel weights) against the float32 model of each seed network
(seed weights) in onnxruntime-node: images/s at each batch size and the int8 ÷ float32 ratio, measured
interleaved in the same rounds as a float32 MatMul and an int8 MatMulInteger of the same size (each
precision's limit on this CPU); then the sizes of the float32, int8 and fp16 files. Calibration uses seeded
noise images: they set scales, not speed.

Options:
${formatOptions(OPTIONS)}`;

export const CALIBRATION_IMAGES = 64;

/** Seeded noise as CIFAR-10 records in a temporary file, for calibration. */
export async function noiseRecords(dir: string): Promise<string> {
  const { nchw } = benchImages(CALIBRATION_IMAGES);
  const bytes = new Uint8Array(CALIBRATION_IMAGES * RECORD_BYTES);
  for (let i = 0; i < CALIBRATION_IMAGES; i++) {
    for (let p = 0; p < RECORD_BYTES - 1; p++) bytes[i * RECORD_BYTES + 1 + p] = Math.round(nchw[i * 3072 + p]! * 255);
  }
  const path = join(dir, 'noise.bin');
  await writeFile(path, bytes);
  return path;
}

async function timed(run: () => Promise<unknown>, minMs: number): Promise<number> {
  const started = performance.now();
  await run();
  return Math.max(1, Math.ceil(minMs / Math.max(performance.now() - started, 0.01)));
}

async function measure(network: NetworkName, settings: QuantizedReport['settings'], calibration: string, log: (line: string) => void): Promise<QuantizedNetwork> {
  const model = buildNetwork(network, { seed: 7 });
  const fp32 = exportModel(model).bytes;
  model.dispose();
  const int8 = (await quantizeModel(fp32, { precision: 'int8', calibration, calibrationCount: CALIBRATION_IMAGES })).serialize();
  const fp16 = (await quantizeModel(fp32, { precision: 'fp16' })).serialize();
  const { flopsPerImage } = countFlops(fp32);
  // Spinning intra-op threads (onnxruntime's default), as both peers run alike; a pause after each call lets
  // them idle before the next peer.
  const options = ortSessionOptions(settings.threads, true);
  const sessions = { fp32: await ort.InferenceSession.create(fp32, options), int8: await ort.InferenceSession.create(int8, options) };
  const peaks = { fp32: await startMatMulPeak(settings.peakN, ortSessionOptions(settings.threads, false)), int8: await startMatMulPeak(settings.peakN, ortSessionOptions(settings.threads, false), 'int8') };
  const rows: QuantizedRow[] = [];
  let maxAbsDiff = 0;
  try {
    for (const batch of settings.batches) {
      const feeds = { input: new ort.Tensor('float32', benchImages(batch).nchw, [batch, 3, 32, 32]) };
      const run = (session: ort.InferenceSession) => async () => (await session.run(feeds)).probabilities!.data as Float32Array;
      const [a, b] = [await run(sessions.fp32)(), await run(sessions.int8)()];
      for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i]! - b[i]!));
      log(`quantized: ${network} batch ${batch}: ${settings.warmup} warm-up + ${settings.rounds} interleaved rounds (fp32, int8, fp32 MatMul, int8 MatMul ${settings.peakN}³)…`);
      const peers = [run(sessions.fp32), run(sessions.int8)];
      await interleave([...peers, peaks.fp32.run, peaks.int8.run], settings.warmup, 0);
      const calls = [await timed(peers[0]!, 20), await timed(peers[1]!, 20)];
      const repeated = peers.map((peer, i) => async () => { for (let k = 0; k < calls[i]!; k++) await peer(); });
      const [fp32Ms, int8Ms, fp32PeakMs, int8PeakMs] = await interleave([...repeated, peaks.fp32.run, peaks.int8.run], 0, settings.rounds, { settleMs: 10 });
      const fp32MedianMs = median(fp32Ms!) / calls[0]!;
      const int8MedianMs = median(int8Ms!) / calls[1]!;
      const row: QuantizedRow = {
        network, batch, fp32MedianMs, int8MedianMs,
        fp32ImagesPerSecond: (1000 * batch) / fp32MedianMs,
        int8ImagesPerSecond: (1000 * batch) / int8MedianMs,
        int8OverFp32: fp32MedianMs / int8MedianMs,
        fp32Gflops: (flopsPerImage * batch) / (fp32MedianMs * 1e6),
        int8Gops: (flopsPerImage * batch) / (int8MedianMs * 1e6),
        fp32PeakGflops: peaks.fp32.gflops(median(fp32PeakMs!)),
        int8PeakGops: peaks.int8.gflops(median(int8PeakMs!)),
        samples: { fp32Ms: fp32Ms!, int8Ms: int8Ms!, fp32PeakMs: fp32PeakMs!, int8PeakMs: int8PeakMs! },
      };
      log(`quantized:   fp32 ${row.fp32ImagesPerSecond.toFixed(1)} img/s, int8 ${row.int8ImagesPerSecond.toFixed(1)} img/s (×${row.int8OverFp32.toFixed(2)}); peaks ${row.fp32PeakGflops.toFixed(0)} GFLOP/s fp32, ${row.int8PeakGops.toFixed(0)} GOP/s int8`);
      rows.push(row);
    }
  } finally {
    await Promise.all([sessions.fp32.release(), sessions.int8.release(), peaks.fp32.release(), peaks.int8.release()]);
  }
  return { network, flopsPerImage, bytes: { fp32: fp32.length, int8: int8.length, fp16: fp16.length }, maxAbsDiff, rows };
}

export async function runQuantizedBench(networks: NetworkName[], settings: QuantizedReport['settings'], log: (line: string) => void): Promise<QuantizedReport> {
  await useVerificationBackend();
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-bench-quantized-'));
  const results: QuantizedNetwork[] = [];
  try {
    const calibration = await noiseRecords(dir);
    for (const network of networks) results.push(await measure(network, settings, calibration, log));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    benchmark: 'quantized',
    date: new Date().toISOString(),
    machine: machineFacts(),
    settings,
    method: 'Per network: the seed network (seed 7) exported in float32, quantized to int8 (minmax calibration on seeded noise, per-channel weights) and to fp16. Per batch: warm-up calls of each peer in turn; one more call per network sets how many calls make a sample last ≥ 20 ms; then rounds of fp32, int8, fp32 MatMul n³, int8 MatMulInteger n³ in that order with a 10 ms pause after each; figures are medians per call. Both networks run with onnxruntime\'s spinning intra-op threads and graph optimisations (the int8 QDQ groups fuse into QLinearConv/QGemm/…). GOP/s of the int8 model count the float network\'s FLOPs.',
    networks: results,
  };
}

export const benchQuantizedCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const networks: NetworkName[] = values.networks ?? [...BENCH_NETWORKS];
    const settings = {
      batches: values.batches ?? [...OPTIONS.batches.default],
      warmup: values.warmup ?? (values.quick ? 1 : 2),
      rounds: values.rounds ?? (values.quick ? 3 : 11),
      threads: values.threads ?? availableParallelism(),
      peakN: values.peakN ?? OPTIONS.peakN.default,
      calibrationImages: CALIBRATION_IMAGES,
    };
    const report = await runQuantizedBench(networks, settings, (line) => console.error(line));
    const file = values.out ?? resultsFile('quantized', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`${formatQuantizedTable(report.networks)}\n\nwrote ${file}`);
    return 0;
  },
};
