// `onnx-edge bench train`: training throughput (images/s) per backend and network at the tutorial's batch
// sizes — warm-up steps first, then the median of timed steps — written to bench/results/ as JSON and
// printed as a table. Random images: pixel values do not change the work a step does.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNetwork, dataParallelStepper, defaultBatchSize, formatAdapter, releaseBackend, selectBackend, trainableVariables } from '@onnx-edge/train';
import { intFlag, intListFlag, listFlag, parseFlags, type Command } from '../src/cli/kit.ts';
import type { BackendChoice, NetworkName, Variant } from '@onnx-edge/core';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');
const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
const NETWORKS = ['inception10', 'resnet18', 'resnet34'] as const;

export interface TrainBenchRow {
  backend: string;
  /** The WebGPU adapter (vendor / architecture / device) the webgpu backend ran on; absent for the others. */
  adapter?: string;
  network: NetworkName;
  variant: Variant;
  batchSize: number;
  /** Threads computing gradients (data-parallel). */
  workers: number;
  warmupSteps: number;
  stepMs: number[];
  medianStepMs: number;
  imagesPerSecond: number;
  /** Images per CPU-second of this process (all its threads): what one uncontended core reaches. */
  imagesPerCpuSecond: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `repeats` Adam steps of `network` on the active backend after `warmup` untimed ones. */
export async function measureTraining(backend: string, network: NetworkName, variant: Variant, batchSize: number, workers: number, warmup: number, repeats: number, adapter?: string): Promise<TrainBenchRow> {
  const model = buildNetwork(network, { variant, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const variables = trainableVariables(model);
  const recipe = { model: network, variant, batchSize, learningRate: 1e-3, seed: 1, workers };
  const stepper = await dataParallelStepper(model, optimizer, variables, recipe, backend, workers);
  const xs = tf.randomUniform([batchSize, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const ys = tf.tidy(() => tf.cast(tf.randomUniform([batchSize], 0, 10, 'float32', 2), 'int32')) as tf.Tensor1D;
  for (let i = 0; i < warmup; i++) await stepper.step(xs, ys);
  const stepMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await stepper.step(xs, ys); // reads loss and accuracy back: the step has finished
    stepMs.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore); // all threads of this process, workers included
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await stepper.close();
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  const medianStepMs = median(stepMs);
  return { backend, ...(adapter ? { adapter } : {}), network, variant, batchSize, workers, warmupSteps: warmup, stepMs, medianStepMs, imagesPerSecond: (batchSize * 1000) / medianStepMs, imagesPerCpuSecond: (batchSize * repeats) / cpuSeconds };
}

export function formatTable(rows: TrainBenchRow[]): string {
  const header = ['backend', 'network', 'batch', 'workers', 'median step', 'images/s', 'images/CPU-s'];
  const body = rows.map((r) => [r.adapter ? `${r.backend} (${r.adapter})` : r.backend, r.variant === 'seed' ? r.network : `${r.network} (${r.variant})`, String(r.batchSize), String(r.workers), `${r.medianStepMs.toFixed(0)} ms`, r.imagesPerSecond.toFixed(1), r.imagesPerCpuSecond.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const help = `Usage: onnx-edge bench train [options]

Training throughput: images/s of Adam steps per backend and network at the tutorial's batch sizes
(128 for inception10, 32 for the ResNets), the median of timed steps after warm-up steps. Writes
bench/results/train-<date>-<host>.json and prints a table. Other processes on the machine slow it down:
the JSON records the load average before and after, and images/CPU-s (images per second of this
process's CPU time) shows what the steps reach on an otherwise idle core.

Options:
  --backends <list>   comma-separated, of ${BACKENDS.join(', ')} (default: wasm, plus tensorflow and
                      webgpu where they run; cpu only when listed — it takes minutes per step)
  --networks <list>   comma-separated, of ${NETWORKS.join(', ')} (default inception10,resnet18)
  --variant <v>       seed (default) or standard
  --warmup <n>        untimed steps first (default 2)
  --repeats <n>       timed steps (default 5)
  --workers <list>    gradient threads to measure on wasm/cpu, comma-separated (default 1,<cores, at most 4>)
  --out <file>        where to write the JSON (default bench/results/train-<date>-<host>.json)
  -h, --help          show this help`;

export const benchTrainCommand: Command = {
  name: 'train',
  summary: 'training images/s per backend and network',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, { backends: { type: 'string' }, networks: { type: 'string' }, variant: { type: 'string' }, warmup: { type: 'string' }, repeats: { type: 'string' }, out: { type: 'string' }, workers: { type: 'string' } });
    const explicitBackends = listFlag('backends', values.backends, BACKENDS);
    const networks = listFlag('networks', values.networks, NETWORKS) ?? ['inception10', 'resnet18'];
    const variant = (listFlag('variant', values.variant, ['seed', 'standard'] as const) ?? ['seed'])[0]!;
    const warmup = intFlag('warmup', values.warmup, 0, 100) ?? 2;
    const repeats = intFlag('repeats', values.repeats, 1, 1000) ?? 5;
    const cores = Math.min(availableParallelism(), 4);
    const workerCounts = intListFlag('workers', values.workers, 1, 64) ?? [...new Set([1, cores])];
    const backends: readonly (Exclude<BackendChoice, 'auto'>)[] = explicitBackends ?? ['tensorflow', 'webgpu', 'wasm'];
    const loadBefore = loadavg();
    const rows: TrainBenchRow[] = [];
    const skipped: { backend: string; why: string }[] = [];
    for (const backend of backends) {
      let selection;
      try {
        // Unlisted GPU backends are vetted as auto does: a software WebGPU adapter is not a GPU.
        selection = await selectBackend(backend, (line) => console.log(line), { allowSoftwareAdapter: explicitBackends !== undefined });
      } catch (err) {
        if (explicitBackends) throw err;
        skipped.push({ backend, why: (err as Error).message });
        console.log(`bench: skipping ${backend}: ${(err as Error).message}`);
        continue;
      }
      const adapter = selection.adapter ? formatAdapter(selection.adapter) : undefined;
      const counts = selection.name === 'wasm' || selection.name === 'cpu' ? workerCounts : [1];
      for (const network of networks) {
        for (const workers of counts) {
          const batchSize = defaultBatchSize(network);
          console.log(`bench: ${selection.name}${adapter ? ` on ${adapter}` : ''} ${network} batch ${batchSize}, ${workers} worker(s): ${warmup} warm-up + ${repeats} timed steps…`);
          const row = await measureTraining(selection.name, network, variant, batchSize, workers, warmup, repeats, adapter);
          console.log(`bench:   ${row.imagesPerSecond.toFixed(1)} images/s (median step ${row.medianStepMs.toFixed(0)} ms)`);
          rows.push(row);
        }
      }
      await releaseBackend(selection);
    }
    const now = new Date();
    const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_');
    const file = values.out ?? join(RESULTS_DIR, `train-${now.toISOString().slice(0, 10)}-${host}.json`);
    const report = {
      benchmark: 'train',
      date: now.toISOString(),
      host,
      cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
      node: process.version,
      tfjs: tf.version.tfjs,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
      results: rows,
      skipped,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${formatTable(rows)}\n\nload average before/after: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${report.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')}\nwrote ${file}`);
    return 0;
  },
};
