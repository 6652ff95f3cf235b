// Inference of one seed network: onnxruntime-node on the project's export vs tfjs on the same weights and
// the same images, and the machine's MatMul peak, interleaved (ort, ort, tfjs, peak, ort, …) so that load
// from other processes hits all of them alike. Headline figures are ratios of medians.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportModel } from '@onnx-edge/export';
import { buildNetwork } from '@onnx-edge/train';
import { startMatMulPeak } from '../peak.ts';
import { interleave, median } from '../stats.ts';
import { countFlops, type FlopCount } from './flops.ts';
import { ortSessionOptions } from './ort-options.ts';
import type { NetworkName } from '@onnx-edge/core';
import type { MachineFacts } from '../machine.ts';
import type { ConvWidthRow } from './conv-width.ts';
import type { InferenceSettings } from './settings.ts';
import type { TfjsBackendInfo } from './tfjs-backend.ts';

export interface InferenceRow {
  network: NetworkName;
  batch: number;
  /** Calls per timed sample, per peer: ort spinning, ort sleeping, tfjs. */
  callsPerSample: number[];
  /** Whether the faster onnxruntime setting (the one reported) let idle threads spin. */
  ortSpinning: boolean;
  /** The faster of the two onnxruntime settings, ms per call. */
  ortMedianMs: number;
  ortSpinningMedianMs: number;
  ortSleepingMedianMs: number;
  tfjsMedianMs: number;
  ortImagesPerSecond: number;
  tfjsImagesPerSecond: number;
  /** ort images/s ÷ tfjs images/s. */
  ortOverTfjs: number;
  ortGflops: number;
  peakGflops: number;
  /** ort GFLOP/s ÷ the MatMul peak measured in the same rounds. */
  ortOfPeak: number;
  samples: { ortSpinningMs: number[]; ortSleepingMs: number[]; tfjsMs: number[]; peakMs: number[] };
}

export type { InferenceSettings };

export interface InferenceReport {
  benchmark: 'inference';
  date: string;
  machine: MachineFacts;
  tfjsBackend: TfjsBackendInfo;
  /** onnxruntime's options with spinning on; the other onnxruntime peer differs only by allow_spinning '0'. */
  ortOptions: ReturnType<typeof ortSessionOptions>;
  settings: InferenceSettings;
  method: string;
  networks: NetworkInference[];
  /** Conv+ReLU chains of equal FLOPs at several channel widths, with the same MatMul peak (absent in older results). */
  convWidths?: ConvWidthRow[];
}

export interface NetworkInference {
  network: NetworkName;
  flops: FlopCount;
  onnxBytes: number;
  /** Largest |Δ| between ort and tfjs outputs on the same batch: proves they run the same weights. */
  maxAbsDiff: number;
  rows: InferenceRow[];
}

/** Seeded pixel values in [0,1] for `batch` images, NHWC (tfjs) and the same images NCHW (ONNX). */
export function benchImages(batch: number): { nhwc: Float32Array; nchw: Float32Array } {
  const nhwc = new Float32Array(batch * 3072);
  let state = 12345;
  for (let i = 0; i < nhwc.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    nhwc[i] = (state >>> 16) / 65536;
  }
  const nchw = new Float32Array(nhwc.length);
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) nchw[n * 3072 + c * 1024 + p] = nhwc[n * 3072 + p * 3 + c]!;
  }
  return { nhwc, nchw };
}

/** How many calls make one sample last at least `minMs`, from one untimed (warm) call. */
async function callsPerSample(call: () => Promise<unknown>, minMs: number): Promise<number> {
  const started = performance.now();
  await call();
  return Math.max(1, Math.ceil(minMs / Math.max(performance.now() - started, 0.01)));
}

const repeated = (call: () => Promise<unknown>, times: number) => async () => {
  for (let i = 0; i < times; i++) await call();
};

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export async function measureNetwork(network: NetworkName, settings: InferenceSettings, log: (line: string) => void): Promise<NetworkInference> {
  const model = buildNetwork(network, { seed: 7 });
  const { bytes } = exportModel(model);
  const flops = countFlops(bytes);
  // onnxruntime twice: threads spinning (its default, best for small batches) and sleeping; the faster counts.
  const spinning = await ort.InferenceSession.create(bytes, ortSessionOptions(settings.threads, true));
  const sleeping = await ort.InferenceSession.create(bytes, ortSessionOptions(settings.threads, false));
  // The MatMul's calls last ~0.1–0.5 s: spinning between its parallel sections makes no difference there.
  const matMul = await startMatMulPeak(settings.peakN, ortSessionOptions(settings.threads, false));
  const inputName = spinning.inputNames[0]!;
  const outputName = spinning.outputNames.includes('probabilities') ? 'probabilities' : spinning.outputNames[0]!;
  const rows: InferenceRow[] = [];
  let worstDiff = 0;
  try {
    for (const batch of settings.batches) {
      const images = benchImages(batch);
      const feeds = { [inputName]: new ort.Tensor('float32', images.nchw, [batch, 3, 32, 32]) };
      const x = tf.tensor4d(images.nhwc, [batch, 32, 32, 3]);
      const runOrt = (session: ort.InferenceSession) => async () => (await session.run(feeds))[outputName]!.data as Float32Array;
      const runTfjs = async () => {
        const y = model.predict(x) as tf.Tensor;
        const data = (await y.data()) as Float32Array;
        y.dispose();
        return data;
      };
      const peak = () => matMul.run();
      const peers = [runOrt(spinning), runOrt(sleeping), runTfjs];
      worstDiff = Math.max(worstDiff, maxAbsDiff(await peers[0]!(), await runTfjs()));
      log(`inference: ${network} batch ${batch}: ${settings.warmup} warm-up + ${settings.rounds} interleaved rounds (ort spinning, ort sleeping, tfjs, MatMul ${settings.peakN}³)…`);
      await interleave([...peers, peak], settings.warmup, 0);
      // Sized after warm-up: a cold first call (kernel compilation) would make samples too short.
      const calls: number[] = [];
      for (const peer of peers) calls.push(await callsPerSample(peer, settings.minSampleMs));
      const [spinMs, sleepMs, tfjsMs, peakMs] = await interleave([...peers.map((peer, i) => repeated(peer, calls[i]!)), peak], 0, settings.rounds, { settleMs: settings.settleMs });
      x.dispose();
      const spinMedianMs = median(spinMs!) / calls[0]!;
      const sleepMedianMs = median(sleepMs!) / calls[1]!;
      const ortMedianMs = Math.min(spinMedianMs, sleepMedianMs);
      const tfjsMedianMs = median(tfjsMs!) / calls[2]!;
      const peakGflops = matMul.gflops(median(peakMs!));
      const ortGflops = (flops.flopsPerImage * batch) / (ortMedianMs * 1e6);
      const row: InferenceRow = {
        network, batch, callsPerSample: calls, ortSpinning: spinMedianMs <= sleepMedianMs, ortMedianMs, ortSpinningMedianMs: spinMedianMs, ortSleepingMedianMs: sleepMedianMs, tfjsMedianMs,
        ortImagesPerSecond: (1000 * batch) / ortMedianMs,
        tfjsImagesPerSecond: (1000 * batch) / tfjsMedianMs,
        ortOverTfjs: tfjsMedianMs / ortMedianMs,
        ortGflops, peakGflops, ortOfPeak: ortGflops / peakGflops,
        samples: { ortSpinningMs: spinMs!, ortSleepingMs: sleepMs!, tfjsMs: tfjsMs!, peakMs: peakMs! },
      };
      log(`inference:   ort ${row.ortImagesPerSecond.toFixed(1)} img/s (spinning ${row.ortSpinning ? 'on' : 'off'}), tfjs ${row.tfjsImagesPerSecond.toFixed(1)} img/s (×${row.ortOverTfjs.toFixed(2)}); ${ortGflops.toFixed(1)} of ${peakGflops.toFixed(1)} GFLOP/s (${(100 * row.ortOfPeak).toFixed(0)}%)`);
      rows.push(row);
    }
  } finally {
    await spinning.release();
    await sleeping.release();
    await matMul.release();
    model.dispose();
  }
  return { network, flops, onnxBytes: bytes.byteLength, maxAbsDiff: worstDiff, rows };
}
