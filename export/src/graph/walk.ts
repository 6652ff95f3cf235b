// The graph front end's walk: from the model's outputs (its signature, else the nodes nothing consumes) back
// through data inputs (`^control` inputs only order execution and carry nothing), refusing in one line
// every op without a handler, then visiting the reachable nodes in topological order and calling one handler
// per node. A cycle can only come from a while loop's NextIteration; outside such a loop frame it is an
// error naming the nodes on it.
import { basename } from 'node:path';
import { INPUT_NAME } from '@onnx-edge/core';
import { Graph } from '../ir/graph.ts';
import type { ConstTensor } from '../ir/tensor.ts';
import { OpContext, type GraphExportSettings, type WalkEnvironment } from './context.ts';
import { GraphStructureError, UnsupportedOpsError } from './errors.ts';
import type { GraphModelJson, TfInputRef, TfNode } from './model-json.ts';
import { opHandlers, supportedOps } from './ops/index.ts';
import { decodeAttributes } from './attributes.ts';
import type { TfTensor } from './tensor-ref.ts';

export interface GraphOutput {
  /** The ONNX output's name: the signature key, else the TF node name. */
  name: string;
  ref: TfInputRef;
}

export interface GraphInput {
  /** The Placeholder node. */
  node: string;
  /** The ONNX input's name: `input` for a model with one input, else the signature key or node name. */
  name: string;
}

/** Ops that produce no data: never model outputs. */
const NO_DATA_OPS = new Set(['NoOp']);

/** The signature's outputs (named by their keys), else every data-producing node nothing consumes. */
export function graphOutputs(model: GraphModelJson): GraphOutput[] {
  if (model.outputs.length > 0) {
    return model.outputs.map(({ key, ref }) => {
      if (!model.byName.has(ref.node)) throw new GraphStructureError(`${model.path}: signature output '${key}' names node '${ref.node}', which is not in the graph`);
      return { name: key, ref };
    });
  }
  const consumed = new Set(model.nodes.flatMap((n) => [...n.inputs.map((r) => r.node), ...n.controlInputs]));
  const outputs = model.nodes
    .filter((n) => !consumed.has(n.name) && !NO_DATA_OPS.has(n.op))
    .map((n) => ({ name: n.name, ref: { node: n.name, index: 0 } }));
  if (outputs.length === 0) throw new GraphStructureError(`${model.path}: the graph has no outputs (every node is consumed by another)`);
  return outputs;
}

/** Nodes the outputs depend on through data inputs. */
function reachableNodes(model: GraphModelJson, roots: readonly string[]): Set<string> {
  const reachable = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reachable.has(name)) continue;
    reachable.add(name);
    for (const ref of model.byName.get(name)!.inputs) stack.push(ref.node);
  }
  return reachable;
}

/** The Placeholders the outputs need, in graph order, with the names their ONNX inputs get. */
export function graphInputs(model: GraphModelJson): GraphInput[] {
  const reachable = reachableNodes(model, graphOutputs(model).map((o) => o.ref.node));
  const placeholders = model.nodes.filter((n) => n.op === 'Placeholder' && reachable.has(n.name));
  const keys = new Map(model.inputs.map((entry) => [entry.ref.node, entry.key]));
  // One input takes the project's input name; several keep their signature keys (else node names).
  return placeholders.map((n) => ({ node: n.name, name: placeholders.length === 1 ? INPUT_NAME : keys.get(n.name) ?? n.name }));
}

export class GraphModelWalker {
  readonly graph: Graph;
  private readonly results = new Map<string, TfTensor[]>();

  constructor(
    private readonly model: GraphModelJson,
    private readonly weights: ReadonlyMap<string, ConstTensor>,
    private readonly settings: GraphExportSettings,
  ) {
    this.graph = new Graph(basename(model.path).replace(/\.json$/, ''));
  }

  run(): Graph {
    const outputs = graphOutputs(this.model);
    const order = this.executionOrder(outputs.map((o) => o.ref.node));
    const env = this.environment();
    for (const node of order) {
      const inputs = node.inputs.map((ref) => this.tensor(ref, node));
      const ctx = new OpContext(this.graph, this.settings, node, inputs, env);
      this.results.set(node.name, opHandlers[node.op]!(ctx, node));
    }
    for (const output of outputs) this.markOutput(output, env);
    return this.graph;
  }

  /** Reachable nodes, inputs before consumers; unknown ops and cycles are refused first. */
  private executionOrder(roots: string[]): TfNode[] {
    const reachable = reachableNodes(this.model, roots);
    const unsupported = new Map<string, number>();
    for (const node of this.model.nodes) {
      if (reachable.has(node.name) && !Object.hasOwn(opHandlers, node.op)) unsupported.set(node.op, (unsupported.get(node.op) ?? 0) + 1);
    }
    if (unsupported.size > 0) throw new UnsupportedOpsError(basename(this.model.path), unsupported, supportedOps().length);

    const order: TfNode[] = [];
    const state = new Map<string, 'open' | 'done'>();
    for (const root of roots) {
      if (state.has(root)) continue;
      // Iterative depth-first search: deep graphs (thousands of nodes in a chain) must not overflow the stack.
      const path: { node: TfNode; next: number }[] = [{ node: this.model.byName.get(root)!, next: 0 }];
      state.set(root, 'open');
      while (path.length > 0) {
        const top = path[path.length - 1]!;
        const ref = top.node.inputs[top.next++];
        if (ref === undefined) {
          state.set(top.node.name, 'done');
          order.push(top.node);
          path.pop();
          continue;
        }
        const seen = state.get(ref.node);
        if (seen === 'done') continue;
        if (seen === 'open') {
          const cycle = path.slice(path.findIndex((p) => p.node.name === ref.node)).map((p) => `'${p.node.name}'`);
          throw new GraphStructureError(`${this.model.path}: the graph has a cycle outside a loop frame: ${[...cycle, `'${ref.node}'`].join(' → ')}`);
        }
        state.set(ref.node, 'open');
        path.push({ node: this.model.byName.get(ref.node)!, next: 0 });
      }
    }
    return order;
  }

  private environment(): WalkEnvironment {
    const inputs = new Map(graphInputs(this.model).map((input) => [input.node, input.name]));
    return {
      weight: (name) => this.weights.get(name),
      inputName: (node) => inputs.get(node) ?? node,
      layoutCache: new WeakMap(),
    };
  }

  private tensor(ref: TfInputRef, consumer: TfNode): TfTensor {
    const outputs = this.results.get(ref.node);
    const t = outputs?.[ref.index];
    if (!t) {
      const producer = this.model.byName.get(ref.node)!;
      throw new GraphStructureError(`node '${consumer.name}' (${consumer.op}) reads output ${ref.index} of '${ref.node}' (${producer.op}), which has ${outputs?.length ?? 0} output(s)`);
    }
    return t;
  }

  /** A graph output in TF layout and feature order, produced by its own node and named as the model names it. */
  private markOutput(output: GraphOutput, env: WalkEnvironment): void {
    const node: TfNode = { name: `${output.name}/output`, op: 'output', inputs: [output.ref], controlInputs: [], attrs: decodeAttributes(undefined) };
    const found = this.tensor(output.ref, node);
    // A constant output is written under its own name, so the output's name stays free.
    const t = found.constant ? { ...found, constantName: `${output.name}/value` } : found;
    const ctx = new OpContext(this.graph, this.settings, node, [t], env);
    let value = ctx.tfLayout(t);
    if (value.producer === undefined || this.graph.outputs.includes(value)) value = ctx.op('Identity', [value], {}, { dtype: value.dtype });
    value.shape = [...t.shape];
    this.graph.markOutput(value, output.name);
  }
}
