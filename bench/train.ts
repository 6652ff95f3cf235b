// `onnx-edge bench train`: training throughput (images/s) per backend and network at the tutorial's batch
// sizes — warm-up steps first, then the median of timed steps — written to bench/results/ as JSON and
// printed as a table. Random images: pixel values do not change the work a step does.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { buildNetwork, dataParallelStepper, defaultBatchSize, formatAdapter, releaseBackend, selectBackend, trainableVariables } from '@onnx-edge/train';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { machineFacts } from './machine.ts';
import { formatTrainTable } from './report.ts';
import { BENCH_NETWORKS, BENCH_OPTIONS } from './options.ts';
import { resultsFile } from './results-file.ts';
import { median } from './stats.ts';
import { VARIANTS, type BackendChoice, type NetworkName, type Variant } from '@onnx-edge/core';

const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

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

const OPTIONS = {
  backends: {
    flag: 'backends', placeholder: 'LIST', kind: { type: 'list', choices: BACKENDS },
    help: `comma-separated, of ${BACKENDS.join(', ')} (default: wasm, plus tensorflow and webgpu where they run; cpu only when listed — it takes minutes per step)`,
  },
  networks: BENCH_OPTIONS.networks,
  variant: { flag: 'variant', kind: { type: 'choice', choices: VARIANTS }, help: 'seed (default) or standard' },
  warmup: { ...BENCH_OPTIONS.warmup, help: 'untimed steps first (default 2)' },
  repeats: { flag: 'repeats', kind: { type: 'int', min: 1, max: 1000 }, help: 'timed steps (default 5)' },
  workers: { flag: 'workers', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 64 }, help: 'gradient threads to measure on wasm/cpu, comma-separated (default 1,<cores, at most 4>)' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench train [options]

Training throughput: images/s of Adam steps per backend and network at the tutorial's batch sizes
(128 for inception10, 32 for the ResNets), the median of timed steps after warm-up steps. Writes
bench/results/train-<date>-<host>.json and prints a table. Other processes on the machine slow it down:
the JSON records the load average before and after, and images/CPU-s (images per second of this
process's CPU time) shows what the steps reach on an otherwise idle core.

Options:
${formatOptions(OPTIONS)}`;

export const benchTrainCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const explicitBackends = values.backends;
    const networks = values.networks ?? [...BENCH_NETWORKS];
    const variant = values.variant ?? 'seed';
    const warmup = values.warmup ?? 2;
    const repeats = values.repeats ?? 5;
    const cores = Math.min(availableParallelism(), 4);
    const workerCounts = values.workers ?? [...new Set([1, cores])];
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
    const report = {
      benchmark: 'train',
      date: new Date().toISOString(),
      machine: machineFacts(),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
      results: rows,
      skipped,
    };
    const file = values.out ?? resultsFile('train', report.date, report.machine.host, 'json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${formatTrainTable(rows)}\n\nload average before/after: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${report.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')}\nwrote ${file}`);
    return 0;
  },
};
