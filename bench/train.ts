// `onnx-edge bench train`: training throughput (images/s) per backend, kernels and network at the tutorial's
// batch sizes — warm-up steps first, then the median of timed steps — written to bench/results/ as JSON and
// printed as a table. With --peer pytorch, PyTorch trains the same architectures (built from the tfjs
// models' layer configs, train/pytorch_peer.py) on the same machine, one step of each in turn. Random
// images: pixel values do not change the work a step does.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { buildNetwork, dataParallelStepper, defaultBatchSize, formatAdapter, releaseBackend, selectBackend, selectTrainingKernels, trainableVariables } from '@onnx-edge/train';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { machineFacts } from './machine.ts';
import { formatTrainPeerTable, formatTrainTable } from './report.ts';
import { BENCH_NETWORKS, BENCH_OPTIONS } from './options.ts';
import { resultsFile } from './results-file.ts';
import { median } from './stats.ts';
import { pytorchAvailable, startPytorchPeer, type PytorchPeer } from './train/pytorch-peer.ts';
import { VARIANTS, type BackendChoice, type NetworkName, type Variant } from '@onnx-edge/core';

const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
const KERNELS = ['ort', 'wasm'] as const;
const PEERS = ['none', 'pytorch', 'auto'] as const;
type Kernels = (typeof KERNELS)[number];

export interface TrainBenchRow {
  backend: string;
  /** The WebGPU adapter (vendor / architecture / device) the webgpu backend ran on; absent for the others. */
  adapter?: string;
  /** On wasm: who computed the convolutions and matrix products ('ort' or 'wasm'); else the backend's name. */
  kernels: string;
  network: NetworkName;
  variant: Variant;
  batchSize: number;
  /** Threads computing gradients (data-parallel). */
  workers: number;
  warmupSteps: number;
  stepMs: number[];
  medianStepMs: number;
  imagesPerSecond: number;
  /** Images per CPU-second of this process (all its threads): the work a step costs, whatever the load. */
  imagesPerCpuSecond: number;
}

export interface PeerSide {
  stepMs: number[];
  medianStepMs: number;
  imagesPerSecond: number;
  imagesPerCpuSecond: number;
}

export interface TrainPeerRow {
  network: NetworkName;
  batchSize: number;
  /** What our side ran: backend, kernels and gradient threads (the fastest of the rows measured before). */
  ours: PeerSide & { backend: string; kernels: string; workers: number };
  pytorch: PeerSide & { threads: number };
  /** Our images/s ÷ PyTorch's (medians of interleaved steps). */
  ratio: number;
  /** The same from images per CPU-second: what each side's work costs, less sensitive to other processes. */
  cpuRatio: number;
}

/** A built network with its optimizer, ready to take timed Adam steps on one random batch. */
interface Trainer {
  /** One Adam step; resolves when its loss has been read back. */
  step(): Promise<void>;
  close(): Promise<void>;
}

async function prepareTrainer(backend: string, network: NetworkName, variant: Variant, batchSize: number, workers: number, kernels: Kernels | null): Promise<Trainer> {
  const selection = kernels ? selectTrainingKernels(kernels, backend, () => {}, { replicas: workers }) : null;
  const model = buildNetwork(network, { variant, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const variables = trainableVariables(model);
  const recipe = { model: network, variant, batchSize, learningRate: 1e-3, seed: 1, workers };
  const stepper = await dataParallelStepper(model, optimizer, variables, recipe, backend, workers, kernels ?? 'wasm');
  const xs = tf.randomUniform([batchSize, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const ys = tf.tidy(() => tf.cast(tf.randomUniform([batchSize], 0, 10, 'float32', 2), 'int32')) as tf.Tensor1D;
  return {
    step: async () => void (await stepper.step(xs, ys)),
    async close() {
      await stepper.close();
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
      selection?.release();
    },
  };
}

/** Times `count` calls of `step`: wall ms of each and this process's CPU ms over all of them. */
async function timeSteps(step: () => Promise<void>, count: number): Promise<{ ms: number[]; cpuMs: number }> {
  const ms: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await step();
    ms.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore); // all threads of this process: workers and onnxruntime's pool included
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function side(batchSize: number, ms: number[], cpuMs: number): PeerSide {
  const medianStepMs = median(ms);
  return { stepMs: ms, medianStepMs, imagesPerSecond: (batchSize * 1000) / medianStepMs, imagesPerCpuSecond: (batchSize * ms.length * 1000) / cpuMs };
}

/** Times `repeats` Adam steps of `network` on the active backend after `warmup` untimed ones. */
export async function measureTraining(backend: string, kernels: Kernels | null, network: NetworkName, variant: Variant, batchSize: number, workers: number, warmup: number, repeats: number, adapter?: string): Promise<TrainBenchRow> {
  const trainer = await prepareTrainer(backend, network, variant, batchSize, workers, kernels);
  for (let i = 0; i < warmup; i++) await trainer.step();
  const { ms, cpuMs } = await timeSteps(() => trainer.step(), repeats);
  await trainer.close();
  const s = side(batchSize, ms, cpuMs);
  return { backend, ...(adapter ? { adapter } : {}), kernels: kernels ?? backend, network, variant, batchSize, workers, warmupSteps: warmup, stepMs: ms, medianStepMs: s.medianStepMs, imagesPerSecond: s.imagesPerSecond, imagesPerCpuSecond: s.imagesPerCpuSecond };
}

/** One of our configurations and PyTorch on the same network and batch, one step each in turn, `rounds` times. */
async function measureAgainstPeer(peer: PytorchPeer, kernels: Kernels, workers: number, network: NetworkName, variant: Variant, batchSize: number, warmup: number, rounds: number): Promise<TrainPeerRow> {
  const trainer = await prepareTrainer('wasm', network, variant, batchSize, workers, kernels);
  await peer.build(buildNetwork(network, { variant, seed: 1 }), batchSize);
  for (let i = 0; i < warmup; i++) {
    await trainer.step();
    await peer.steps(1);
  }
  const ours = { ms: [] as number[], cpuMs: 0 };
  const theirs = { ms: [] as number[], cpuMs: 0 };
  for (let round = 0; round < rounds; round++) {
    const mine = await timeSteps(() => trainer.step(), 1);
    ours.ms.push(...mine.ms);
    ours.cpuMs += mine.cpuMs;
    const peerSteps = await peer.steps(1);
    theirs.ms.push(...peerSteps.ms);
    theirs.cpuMs += peerSteps.cpuMs;
  }
  await trainer.close();
  const oursSide = side(batchSize, ours.ms, ours.cpuMs);
  const peerSide = side(batchSize, theirs.ms, theirs.cpuMs);
  return {
    network, batchSize,
    ours: { ...oursSide, backend: 'wasm', kernels, workers },
    pytorch: { ...peerSide, threads: peer.threads },
    ratio: oursSide.imagesPerSecond / peerSide.imagesPerSecond,
    cpuRatio: oursSide.imagesPerCpuSecond / peerSide.imagesPerCpuSecond,
  };
}

const OPTIONS = {
  backends: {
    flag: 'backends', placeholder: 'LIST', kind: { type: 'list', choices: BACKENDS },
    help: `comma-separated, of ${BACKENDS.join(', ')} (default: wasm, plus tensorflow and webgpu where they run; cpu only when listed — it takes minutes per step)`,
  },
  kernels: { flag: 'kernels', placeholder: 'LIST', kind: { type: 'list', choices: KERNELS }, help: 'on wasm, who computes convolutions and matrix products: ort (onnxruntime-node, all cores), wasm (XNNPACK, one thread per worker); default both (ort where it starts)' },
  networks: BENCH_OPTIONS.networks,
  variant: { flag: 'variant', kind: { type: 'choice', choices: VARIANTS }, help: 'seed (default) or standard' },
  warmup: { ...BENCH_OPTIONS.warmup, help: 'untimed steps first (default 2)' },
  repeats: { flag: 'repeats', kind: { type: 'int', min: 1, max: 1000 }, help: 'timed steps, and interleaved rounds with a peer (default 5)' },
  workers: { flag: 'workers', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 64 }, help: 'gradient threads to measure on wasm and cpu, comma-separated (default 1,<cores, at most 4>); with ort kernels each thread\'s onnxruntime gets cores ÷ threads' },
  peer: { flag: 'peer', kind: { type: 'choice', choices: PEERS }, help: `pytorch: also train each network in PyTorch (${'/usr/bin/python3'} with torch), interleaved with ours, and print the ratio; auto: the same when torch is installed, else one line saying how; none (default)` },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench train [options]

Training throughput: images/s of Adam steps per backend, kernels and network at the tutorial's batch sizes
(128 for inception10, 32 for the ResNets), the median of timed steps after warm-up steps. With --peer
pytorch, PyTorch trains the same architectures on this machine, one step of each in turn, and the table
gives the ratio. Writes bench/results/train-<date>-<host>.json and prints the tables. Other processes on
the machine slow it down: the JSON records the load average before and after, and images/CPU-s (images per
second of a process's CPU time) shows the work a step costs on an otherwise idle machine.

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
    const kernelChoices = values.kernels ?? [...KERNELS];
    const backends: readonly (Exclude<BackendChoice, 'auto'>)[] = explicitBackends ?? ['tensorflow', 'webgpu', 'wasm'];
    const peerChoice = values.peer ?? 'none';
    const torch = peerChoice === 'none' ? null : pytorchAvailable();
    if (torch && !torch.ok) {
      if (peerChoice === 'pytorch') throw new Error(`--peer pytorch: ${torch.why}`);
      console.log(`bench: no PyTorch peer: ${torch.why}`);
    }
    const loadBefore = loadavg();
    const rows: TrainBenchRow[] = [];
    const peerRows: TrainPeerRow[] = [];
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
      type Configuration = { kernels: Kernels | null; workers: number };
      const configurations: Configuration[] = selection.name === 'wasm'
        ? kernelChoices.flatMap((k): Configuration[] => workerCounts.map((w) => ({ kernels: k, workers: w })))
        : (selection.name === 'cpu' ? workerCounts : [1]).map((w) => ({ kernels: null, workers: w }));
      for (const network of networks) {
        for (const { kernels, workers } of configurations) {
          const batchSize = defaultBatchSize(network);
          console.log(`bench: ${selection.name}${kernels ? ` (${kernels} kernels)` : ''}${adapter ? ` on ${adapter}` : ''} ${network} batch ${batchSize}, ${workers} worker(s): ${warmup} warm-up + ${repeats} timed steps…`);
          let row: TrainBenchRow;
          try {
            row = await measureTraining(selection.name, kernels, network, variant, batchSize, workers, warmup, repeats, adapter);
          } catch (err) {
            if (kernels !== 'ort' || values.kernels) throw err;
            skipped.push({ backend: `${selection.name} (ort kernels)`, why: (err as Error).message });
            console.log(`bench: skipping onnxruntime kernels: ${(err as Error).message}`);
            continue;
          }
          console.log(`bench:   ${row.imagesPerSecond.toFixed(1)} images/s (median step ${row.medianStepMs.toFixed(0)} ms), ${row.imagesPerCpuSecond.toFixed(1)} images/CPU-s`);
          rows.push(row);
        }
      }
      if (selection.name === 'wasm' && torch?.ok) {
        const peer = await startPytorchPeer(availableParallelism());
        try {
          for (const network of networks) {
            const batchSize = defaultBatchSize(network);
            const fastest = rows.filter((r) => r.backend === 'wasm' && r.network === network).sort((a, b) => b.imagesPerSecond - a.imagesPerSecond)[0];
            const kernels = (fastest?.kernels ?? 'wasm') as Kernels;
            const workers = fastest?.workers ?? 1;
            console.log(`bench: ${network} batch ${batchSize}, ours (wasm, ${kernels} kernels, ${workers} worker(s): the fastest above) and PyTorch ${torch.version} in turn: ${warmup} warm-up + ${repeats} timed steps each…`);
            const row = await measureAgainstPeer(peer, kernels, workers, network, variant, batchSize, warmup, repeats);
            console.log(`bench:   ours ${row.ours.imagesPerSecond.toFixed(1)} images/s, PyTorch ${row.pytorch.imagesPerSecond.toFixed(1)} images/s: ${row.ratio.toFixed(2)}× (per CPU-s ${row.cpuRatio.toFixed(2)}×)`);
            peerRows.push(row);
          }
        } finally {
          await peer.close();
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
      peer: torch === null ? null : torch.ok ? { name: 'pytorch', version: torch.version, rows: peerRows } : { name: 'pytorch', skipped: torch.why },
      skipped,
    };
    const file = values.out ?? resultsFile('train', report.date, report.machine.host, 'json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    const peerTable = peerRows.length ? `\n\n${formatTrainPeerTable(peerRows)}` : '';
    console.log(`\n${formatTrainTable(rows)}${peerTable}\n\nload average before/after: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${report.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')}\nwrote ${file}`);
    return 0;
  },
};
