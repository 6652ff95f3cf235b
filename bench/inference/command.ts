// `onnx-edge bench inference`: onnxruntime-node on the exported seed networks vs tfjs on its best backend,
// same weights and images, batch 1/32/128, with the machine's MatMul peak measured in the same rounds.
import { writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { BENCH_NETWORKS, BENCH_OPTIONS, SESSION_BENCH_OPTIONS } from '../options.ts';
import { machineFacts } from '../machine.ts';
import { formatConvWidthTable, formatInferenceTable } from '../report.ts';
import { resultsFile } from '../results-file.ts';
import { convChainsToProbe, measureConvWidths } from './conv-width.ts';
import { measureNetwork, type InferenceReport, type InferenceSettings, type NetworkInference } from './measure.ts';
import { useBestTfjsBackend } from './tfjs-backend.ts';
import { ortSessionOptions } from './ort-options.ts';
import type { NetworkName } from '@onnx-edge/core';


export interface ConvWidthProbe {
  widths: number[];
  kernels: number[];
}

const OPTIONS = {
  networks: BENCH_OPTIONS.networks,
  ...SESSION_BENCH_OPTIONS,
  probeWidths: {
    flag: 'probe-widths', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 512 }, default: [16, 32, 64],
    help: 'channel widths of the convolution probe: chains of 12 Conv+ReLU on 16×16 maps, equal FLOPs per width, timed with the MatMul peak (default {default})',
  },
  probeKernels: { flag: 'probe-kernels', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 11 }, default: [3, 5], help: 'odd kernel sizes of the probe (default {default})' },
  noProbe: { flag: 'no-probe', kind: { type: 'boolean' }, help: 'skip the convolution probe' },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer rounds (warm-up 1, rounds 3)' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench inference [options]

onnxruntime-node on the project's export of each seed network (seed weights) vs tfjs on its best backend
here (tfjs-node where installed, else wasm), on the same weights and images; images/s and the ratio, and
achieved GFLOP/s (2·MACs of the graph's Conv/Gemm) against an onnxruntime MatMul measured in the same
rounds. Peers run interleaved (ort, tfjs, MatMul, ort, …) after warm-up; figures are medians; onnxruntime
is measured with its threads spinning (its default) and sleeping, and the faster one counts.

Options:
${formatOptions(OPTIONS)}`;

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
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const networks: NetworkName[] = values.networks ?? [...BENCH_NETWORKS];
    const settings: InferenceSettings = {
      batches: values.batches ?? [...OPTIONS.batches.default],
      warmup: values.warmup ?? (values.quick ? 1 : 2),
      rounds: values.rounds ?? (values.quick ? 3 : 11),
      threads: values.threads ?? availableParallelism(),
      peakN: values.peakN ?? OPTIONS.peakN.default,
      minSampleMs: 20,
      settleMs: 10,
    };
    const probeKernels = values.probeKernels ?? [...OPTIONS.probeKernels.default];
    const evenKernel = probeKernels.find((k) => k % 2 === 0);
    if (evenKernel !== undefined) throw new UsageError(`--probe-kernels: ${evenKernel} is even; 'same' padding needs odd kernel sizes`);
    const probe = values.noProbe ? undefined : { widths: values.probeWidths ?? [...OPTIONS.probeWidths.default], kernels: probeKernels };
    const report = await runInferenceBench(networks, settings, probe, (line) => console.error(line));
    const file = values.out ?? resultsFile('inference', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    const probeTable = report.convWidths ? `\n\n${formatConvWidthTable(report.convWidths)}` : '';
    console.log(`${formatInferenceTable(report)}${probeTable}\n\nwrote ${file}`);
    return 0;
  },
};
