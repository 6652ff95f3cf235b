// Parity harness for graph-model op tests: a GraphBuilder writes GraphDef JSON the way tfjs-converter does
// (int64 attrs as strings, strings base64, DT_* types, weights in a manifest), the model is loaded by tfjs
// through an in-memory IOHandler and exported by the graph front end, and every output of
// executeAsync is compared with onnxruntime's on seeded inputs (|Δ| ≤ 1e-5 + 1e-4·|ref|, the layers
// harness's tolerance); every export also goes through the official checker.
import { seededRandom, uniform } from '@onnx-edge/core';
import type { ExportReport } from '../src/export.ts';
import { exportGraphModel, type GraphExportOptions } from '../src/graph/export.ts';
import { graphModelSourceFromArtifacts, type GraphModelSource } from '../src/graph/load.ts';
import { useVerificationBackend } from '../src/verify/backend.ts';
import { checkGraphParity, verifyGraphModel, type GraphParityReport } from '../src/verify/graph-parity.ts';
import { CHECKER_MAX_OPSET, checkModel } from './checker.ts';
import { ABS_TOLERANCE, REL_TOLERANCE } from './parity.ts';

type AttrJson = Record<string, unknown>;

/** AttrValues as tfjs-converter writes them. */
export const attr = {
  int: (v: number): AttrJson => ({ i: String(v) }),
  float: (v: number): AttrJson => ({ f: v }),
  bool: (v: boolean): AttrJson => ({ b: v }),
  string: (v: string): AttrJson => ({ s: Buffer.from(v).toString('base64') }),
  ints: (v: number[]): AttrJson => ({ list: v.length > 0 ? { i: v.map(String) } : {} }),
  strings: (v: string[]): AttrJson => ({ list: { s: v.map((s) => Buffer.from(s).toString('base64')) } }),
  type: (v: string): AttrJson => ({ type: v }),
  shape: (dims: number[]): AttrJson => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

type WeightDtype = 'float32' | 'int32' | 'bool';
const TF_TYPE: Record<WeightDtype, string> = { float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' };

export class GraphBuilder {
  private readonly nodes: AttrJson[] = [];
  private readonly weights: { name: string; shape: number[]; dtype: WeightDtype; data: number[] }[] = [];
  private readonly random: () => number;
  private count = 0;
  outputs: string[] = [];

  constructor(seed = 3) {
    this.random = seededRandom(seed);
  }

  private name(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  /** A Placeholder; -1 marks an unknown dim. */
  input(shape: number[], dtype = 'DT_FLOAT', name = this.name('input')): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: attr.type(dtype), shape: attr.shape(shape) } });
    return name;
  }

  /** A Const whose value is in the weights manifest. */
  constant(values: ArrayLike<number>, shape: number[], dtype: WeightDtype = 'float32', name = this.name('const')): string {
    this.nodes.push({ name, op: 'Const', attr: { dtype: attr.type(TF_TYPE[dtype]), value: { tensor: { dtype: TF_TYPE[dtype], tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });
    this.weights.push({ name, shape, dtype, data: Array.from(values) });
    return name;
  }

  ints(values: number[], shape: number[] = [values.length]): string {
    return this.constant(values, shape, 'int32');
  }

  /** Seeded float weights in [low, high). */
  floats(shape: number[], low = -0.5, high = 0.5): string {
    return this.constant(uniform(this.random, shape.reduce((a, b) => a * b, 1), low, high), shape);
  }

  op(op: string, inputs: string[], attrs: Record<string, AttrJson> = {}, name = this.name(op.replace(/^_/, ''))): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: attr.type('DT_FLOAT'), ...attrs } });
    return name;
  }

  /** model.json's object and the weight bytes, as tfjs-converter would write them. */
  artifacts(): { json: Record<string, unknown>; weightData: Uint8Array } {
    const chunks = this.weights.map((w) => {
      if (w.dtype === 'float32') return new Uint8Array(Float32Array.from(w.data).buffer);
      if (w.dtype === 'int32') return new Uint8Array(Int32Array.from(w.data).buffer);
      return Uint8Array.from(w.data);
    });
    const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) { weightData.set(c, offset); offset += c.length; }
    const outputs = Object.fromEntries(this.outputs.map((o) => [o, { name: o }]));
    const json = {
      format: 'graph-model',
      generatedBy: 'onnx-edge tests',
      convertedBy: null,
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      ...(this.outputs.length > 0 ? { signature: { outputs } } : {}),
      weightsManifest: [{ paths: ['weights.bin'], weights: this.weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
    };
    return { json, weightData };
  }

  source(): GraphModelSource {
    const { json, weightData } = this.artifacts();
    return graphModelSourceFromArtifacts('test-graph', json, weightData);
  }
}

export interface GraphParityOptions {
  export?: GraphExportOptions;
  /** Input sets per input size (default 2). */
  count?: number;
  /** Float inputs are drawn from this range (default [-1, 1)). */
  range?: [number, number];
  seed?: number;
  atol?: number;
  rtol?: number;
}

export interface GraphParityResult {
  bytes: Uint8Array;
  report: ExportReport;
  parity: GraphParityReport;
  /** Whether the official checker ran (it knows opsets ≤ 17). */
  checked: boolean;
}

/** Exports the graph, runs the checker, compares tfjs executeAsync with onnxruntime; throws on any mismatch. */
export async function assertGraphParity(graph: GraphBuilder, options: GraphParityOptions = {}): Promise<GraphParityResult> {
  await useVerificationBackend();
  const source = graph.source();
  const { bytes, report } = exportGraphModel(source, options.export);
  if (report.unshapedValues.length > 0) throw new Error(`no shape for ${report.unshapedValues.join(', ')}: the handler that made them must set it`);
  const checked = (options.export?.opset ?? report.opset) <= CHECKER_MAX_OPSET ? checkModel(bytes) : false;
  const parity = await verifyGraphModel(source, bytes, {
    count: options.count ?? 2,
    seed: options.seed ?? 7,
    range: options.range ?? [-1, 1],
    inputLayout: options.export?.inputLayout,
    atol: options.atol ?? ABS_TOLERANCE,
    rtol: options.rtol ?? REL_TOLERANCE,
  });
  checkGraphParity(parity);
  return { bytes, report, parity, checked };
}
