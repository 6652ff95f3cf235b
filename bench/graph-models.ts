// `onnx-edge bench graph-models`: published models, not the project's own networks — each graph model of the
// corpus (@vladmandic/human) compiled by the exporter and run by onnxruntime-node, against the original run
// by tfjs on its wasm backend, at batch 1, interleaved (ort, tfjs, ort, …) so that load from other
// processes hits both alike. The headline figures are ratios of medians (ort images/s ÷ tfjs images/s).
import { availableParallelism } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '@onnx-edge/core';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { exportGraphModel, graphModelIOHandler, loadGraphModelSource, UnsupportedOpsError, type GraphModelSource } from '@onnx-edge/export';
import { GRAPH_CORPUS, graphCorpusPath, type GraphCorpusModel } from '@onnx-edge/export/testing';
import { selectBackend } from '@onnx-edge/train';
import { ortSessionOptions } from './inference/ort-options.ts';
import { machineFacts, type MachineFacts } from './machine.ts';
import { BENCH_OPTIONS } from './options.ts';
import { formatGraphModelsTable, type GraphModelRow } from './report.ts';
import { resultsFile } from './results-file.ts';
import { interleave, median } from './stats.ts';

export interface GraphModelsReport {
  benchmark: 'graph-models';
  date: string;
  machine: MachineFacts;
  settings: { warmup: number; rounds: number; ortThreads: number; tfjsBackend: string };
  rows: GraphModelRow[];
  /** Geometric mean of ort ÷ tfjs over the measured models. */
  geometricMeanOrtOverTfjs: number;
}

type Feed = { node: string; name: string; dtype: 'float32' | 'int32' | 'uint8' | 'bool'; shape: number[]; data: Float32Array | Int32Array | Uint8Array };

/** One seeded input per Placeholder at batch 1 (other unknown dims 64): floats in [0, 1), integers 0..255. */
function feeds(source: GraphModelSource, inputNames: readonly string[]): Feed[] {
  const random = seededRandom(11);
  const placeholders = source.model.nodes.filter((n) => n.op === 'Placeholder');
  return inputNames.map((name, i) => {
    const node = placeholders.find((p) => p.name === name) ?? placeholders[i]!;
    const declared = node.attrs.type('dtype');
    const dtype = declared === 'DT_FLOAT' ? 'float32' : declared === 'DT_UINT8' ? 'uint8' : declared === 'DT_BOOL' ? 'bool' : 'int32';
    const shape = (node.attrs.shape('shape') ?? []).map((d, axis) => (d >= 0 ? d : axis === 0 ? 1 : 64));
    const size = shape.reduce((a, b) => a * b, 1);
    const data = dtype === 'float32' ? Float32Array.from({ length: size }, random)
      : dtype === 'int32' ? Int32Array.from({ length: size }, () => Math.floor(random() * 256))
        : Uint8Array.from({ length: size }, () => Math.floor(random() * (dtype === 'bool' ? 2 : 256)));
    return { node: node.name, name, dtype, shape, data };
  });
}

async function measure(model: GraphCorpusModel, warmup: number, rounds: number, threads: number): Promise<GraphModelRow> {
  const source = await loadGraphModelSource(graphCorpusPath(model));
  const started = performance.now();
  let exported;
  try {
    exported = exportGraphModel(source);
  } catch (err) {
    if (err instanceof UnsupportedOpsError) return { model, kind: 'graph', refused: err.message };
    throw err;
  }
  const exportMs = performance.now() - started;
  // NCHW image inputs, as the export takes them: feed it the same data transposed.
  const session = await ort.InferenceSession.create(exported.bytes, ortSessionOptions(threads, true));
  const inputs = feeds(source, source.model.nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name));
  const ortFeeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const input = inputs[i]!;
    const tensor = new ort.Tensor(input.dtype, input.data, input.shape);
    ortFeeds[name] = input.shape.length === 4 ? new ort.Tensor(input.dtype, nchw(input), [input.shape[0]!, input.shape[3]!, input.shape[1]!, input.shape[2]!]) : tensor;
  });
  const graph = await tf.loadGraphModel(graphModelIOHandler(source));
  const tfFeeds: tf.NamedTensorMap = Object.fromEntries(inputs.map((i) => [i.node, tf.tensor(i.data, i.shape, i.dtype === 'float32' ? 'float32' : i.dtype === 'bool' ? 'bool' : 'int32')]));
  // tfjs' fastest call: execute() where the graph allows it, executeAsync() where it has dynamic ops.
  let runTfjs = async () => {
    const out = graph.execute(tfFeeds);
    const tensors = Array.isArray(out) ? out : [out];
    await Promise.all(tensors.map((t) => t.data()));
    tf.dispose(tensors);
  };
  try {
    await runTfjs();
  } catch {
    runTfjs = async () => {
      const out = await graph.executeAsync(tfFeeds);
      const tensors = Array.isArray(out) ? out : [out];
      await Promise.all(tensors.map((t) => t.data()));
      tf.dispose(tensors);
    };
  }
  try {
    const [ortMs, tfjsMs] = await interleave([() => session.run(ortFeeds), runTfjs], warmup, rounds, { settleMs: 20 });
    const ortMedianMs = median(ortMs!);
    const tfjsMedianMs = median(tfjsMs!);
    return {
      model,
      kind: 'graph',
      input: inputs.map((i) => `${i.dtype} [${i.shape}]`).join('; '),
      exportMs,
      onnxBytes: exported.bytes.length,
      ortMedianMs,
      tfjsMedianMs,
      ortImagesPerSecond: 1000 / ortMedianMs,
      tfjsImagesPerSecond: 1000 / tfjsMedianMs,
      ortOverTfjs: tfjsMedianMs / ortMedianMs,
    };
  } finally {
    tf.dispose(Object.values(tfFeeds));
    graph.dispose();
    await session.release();
  }
}

/** NHWC data → NCHW. */
function nchw(input: Feed): Float32Array | Int32Array | Uint8Array {
  const [n, h, w, c] = input.shape as [number, number, number, number];
  const out = new (input.data.constructor as new (size: number) => Feed['data'])(input.data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
    out[((b * c + k) * h + y) * w + x] = input.data[((b * h + y) * w + x) * c + k]!;
  }
  return out;
}

const OPTIONS = {
  models: { flag: 'models', placeholder: 'LIST', kind: { type: 'list', choices: GRAPH_CORPUS }, help: `comma-separated, from ${GRAPH_CORPUS.join(', ')} (default all)` },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer rounds (1 warm-up, 3 timed)' },
  warmup: { ...BENCH_OPTIONS.warmup, help: 'untimed calls per peer first (default 3)' },
  rounds: { ...BENCH_OPTIONS.rounds, help: 'interleaved timed rounds (default 15)' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench graph-models [options]

Published graph models (@vladmandic/human's models/, read from node_modules): export time, then
onnxruntime-node on the export vs tfjs-wasm on the original model, batch 1, interleaved rounds, medians;
headline: ort images/s ÷ tfjs images/s per model and their geometric mean. A model the exporter refuses
is listed with its one-line refusal.

Options:
${formatOptions(OPTIONS)}`;

export const benchGraphModelsCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const quick = values.quick ?? false;
    const warmup = values.warmup ?? (quick ? 1 : 3);
    const rounds = values.rounds ?? (quick ? 3 : 15);
    const threads = availableParallelism();
    const backend = await selectBackend('wasm', () => {});
    const rows: GraphModelRow[] = [];
    for (const model of values.models ?? [...GRAPH_CORPUS]) {
      console.error(`graph-models: ${model}…`);
      rows.push(await measure(model, warmup, rounds, threads));
    }
    const ratios = rows.flatMap((r) => (r.ortOverTfjs === undefined ? [] : [r.ortOverTfjs]));
    const report: GraphModelsReport = {
      benchmark: 'graph-models',
      date: new Date().toISOString(),
      machine: machineFacts(),
      settings: { warmup, rounds, ortThreads: threads, tfjsBackend: backend.name },
      rows,
      geometricMeanOrtOverTfjs: Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / Math.max(ratios.length, 1)),
    };
    const file = values.out ?? resultsFile('graph-models', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`${formatGraphModelsTable(report)}\n\nwrote ${file}`);
    return 0;
  },
};
