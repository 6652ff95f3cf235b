// `onnx-edge bench inference`: onnxruntime-node on the exported seed networks vs tfjs on its best backend,
// same weights and images, batch 1/32/128, with the machine's MatMul peak measured in the same rounds.
import { writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { intFlag, intListFlag, listFlag, parseFlags, UsageError, type Command } from '../../src/cli/kit.ts';
import { machineFacts } from '../machine.ts';
import { formatConvWidthTable, formatInferenceTable } from '../report.ts';
import { resultsFile } from '../results-file.ts';
import { convChainsToProbe, measureConvWidths, type ConvWidthRow } from './conv-width.ts';
import { measureNetwork, type InferenceSettings, type NetworkInference } from './measure.ts';
import { useBestTfjsBackend, type TfjsBackendInfo } from './tfjs-backend.ts';
import { ortSessionOptions } from './ort-options.ts';
import type { NetworkName } from '@onnx-edge/core';

const NETWORKS = ['inception10', 'resnet18'] as const;

export interface InferenceReport {
  benchmark: 'inference';
  date: string;
  machine: ReturnType<typeof machineFacts>;
  tfjsBackend: TfjsBackendInfo;
  /** onnxruntime's options with spinning on; the other onnxruntime peer differs only by allow_spinning '0'. */
  ortOptions: ReturnType<typeof ortSessionOptions>;
  settings: InferenceSettings;
  method: string;
  networks: NetworkInference[];
  /** Conv+ReLU chains of equal FLOPs at several channel widths, with the same MatMul peak (absent in older results). */
  convWidths?: ConvWidthRow[];
}

export interface ConvWidthProbe {
  widths: number[];
  kernels: number[];
}

const help = `Usage: onnx-edge bench inference [options]

onnxruntime-node on the project's export of each seed network (seed weights) vs tfjs on its best backend
here (tfjs-node where installed, else wasm), on the same weights and images; images/s and the ratio, and
achieved GFLOP/s (2·MACs of the graph's Conv/Gemm) against an onnxruntime MatMul measured in the same
rounds. Peers run interleaved (ort, tfjs, MatMul, ort, …) after warm-up; figures are medians; onnxruntime
is measured with its threads spinning (its default) and sleeping, and the faster one counts.

Options:
  --networks LIST   comma-separated, from ${NETWORKS.join(', ')} (default: both)
  --batches LIST    comma-separated batch sizes (default 1,32,128)
  --warmup N        untimed calls per peer first (default 2)
  --rounds N        interleaved timed rounds (default 11; --quick: 3)
  --threads N       onnxruntime intra-op threads (default: one per core, ${availableParallelism()} here)
  --peak-n N        side of the peak MatMul (default 2048)
  --probe-widths LIST  channel widths of the convolution probe: chains of 12 Conv+ReLU on 16×16 maps,
                    equal FLOPs per width, timed with the MatMul peak (default 16,32,64)
  --probe-kernels LIST  odd kernel sizes of the probe (default 3,5)
  --no-probe        skip the convolution probe
  --quick           fewer rounds (warm-up 1, rounds 3)
  --out FILE        JSON file (default bench/results/inference-<date>-<host>.json)
  -h, --help        show this help`;

export async function runInferenceBench(networks: NetworkName[], settings: InferenceSettings, probe: ConvWidthProbe | undefined, log: (line: string) => void): Promise<InferenceReport> {
  const tfjsBackend = await useBestTfjsBackend();
  log(`inference: tfjs peer on ${tfjsBackend.name} (${tfjsBackend.reason}); onnxruntime with ${settings.threads} intra-op threads`);
  const results: NetworkInference[] = [];
  for (const network of networks) results.push(await measureNetwork(network, settings, log));
  const convWidths = probe ? await measureConvWidths(convChainsToProbe(probe.widths, probe.kernels), settings, log) : undefined;
  return {
    benchmark: 'inference',
    date: new Date().toISOString(),
    machine: machineFacts(),
    tfjsBackend,
    ortOptions: ortSessionOptions(settings.threads, true),
    settings,
    method: 'Per network and batch: warm-up calls of each peer in turn; one more untimed call per peer sets how many calls make a sample last ≥ minSampleMs; then rounds of ort (spinning on), ort (spinning off), tfjs, MatMul peak in that order, with a settle pause after each call; figures are medians per call, and the onnxruntime figure is the faster of its two spinning settings. Images are seeded noise in [0,1] (pixel values do not change the work); tfjs gets them NHWC, onnxruntime the same images NCHW.',
    networks: results,
    ...(convWidths ? { convWidths } : {}),
  };
}

export const benchInferenceCommand: Command = {
  name: 'inference',
  summary: 'onnxruntime on the export vs tfjs, images/s and share of the MatMul peak',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, { networks: { type: 'string' }, batches: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, threads: { type: 'string' }, 'peak-n': { type: 'string' }, 'probe-widths': { type: 'string' }, 'probe-kernels': { type: 'string' }, 'no-probe': { type: 'boolean' }, quick: { type: 'boolean' }, out: { type: 'string' } });
    const networks: NetworkName[] = listFlag('networks', values.networks, NETWORKS) ?? [...NETWORKS];
    const settings: InferenceSettings = {
      batches: intListFlag('batches', values.batches, 1, 4096) ?? [1, 32, 128],
      warmup: intFlag('warmup', values.warmup, 0, 100) ?? (values.quick ? 1 : 2),
      rounds: intFlag('rounds', values.rounds, 1, 1000) ?? (values.quick ? 3 : 11),
      threads: intFlag('threads', values.threads, 1, 256) ?? availableParallelism(),
      peakN: intFlag('peak-n', values['peak-n'], 64, 8192) ?? 2048,
      minSampleMs: 20,
      settleMs: 10,
    };
    const probeKernels = intListFlag('probe-kernels', values['probe-kernels'], 1, 11) ?? [3, 5];
    const evenKernel = probeKernels.find((k) => k % 2 === 0);
    if (evenKernel !== undefined) throw new UsageError(`--probe-kernels: ${evenKernel} is even; 'same' padding needs odd kernel sizes`);
    const probe = values['no-probe'] ? undefined : { widths: intListFlag('probe-widths', values['probe-widths'], 1, 512) ?? [16, 32, 64], kernels: probeKernels };
    const report = await runInferenceBench(networks, settings, probe, (line) => console.error(line));
    const file = values.out ?? resultsFile('inference', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    const probeTable = report.convWidths ? `\n\n${formatConvWidthTable(report.convWidths)}` : '';
    console.log(`${formatInferenceTable(report)}${probeTable}\n\nwrote ${file}`);
    return 0;
  },
};
