// The front end's walk over a tfjs LayersModel: follows symbolic tensors from the model's outputs back to
// its inputs through each layer's inbound nodes (public tfjs API only), calls one handler per layer call,
// and flattens nested Sequential/functional models into the same graph. Shared layers (one layer called
// several times) get one set of nodes per call; their weights are read once.
import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME } from '@onnx-edge/core';
import { Graph } from '../ir/graph.ts';
import { floatTensor, type ConstTensor } from '../ir/tensor.ts';
import { LayerContext, type ExportSettings, type LayerView } from './context.ts';
import { UnsupportedLayerError } from './errors.ts';
import { identityPerm, irShape, type TensorRef } from './layout.ts';

type Layer = tf.layers.Layer;
type SymbolicTensor = tf.SymbolicTensor;

interface Scope {
  /** Path prefix of layers in this scope ('' at the top, 'block1/' inside sub-model 'block1'). */
  prefix: string;
  /** Resolved tensors of this scope by symbolic tensor id; a sub-model's inputs are bound up front. */
  refs: Map<number, TensorRef>;
}

interface LayerWeights {
  byName: Map<string, ConstTensor>;
  list: { name: string; tensor: ConstTensor }[];
}

/** 'block1/conv/kernel' or 'conv/kernel_1' → 'kernel'. */
function shortWeightName(name: string): string {
  return (name.split('/').pop() ?? name).replace(/:\d+$/, '').replace(/_\d+$/, '');
}

export class ModelWalker {
  readonly graph: Graph;
  private readonly weightCache = new Map<Layer, LayerWeights>();
  private readonly callCounts = new Map<string, number>();

  constructor(private readonly model: tf.LayersModel, private readonly settings: ExportSettings) {
    this.graph = new Graph(model.name);
  }

  run(): Graph {
    const top: Scope = { prefix: '', refs: new Map() };
    this.model.inputs.forEach((input) => {
      const name = this.model.inputs.length === 1 ? INPUT_NAME : input.sourceLayer.name;
      const layer = input.sourceLayer;
      const view = this.view(layer, layer.name, [], [input.shape]);
      const ctx = new LayerContext(this.graph, this.settings, view, [], layer.name, name);
      const [output] = this.handler(view)(ctx, view);
      top.refs.set(input.id, this.withShape(output!, input.shape));
    });
    const used = new Set<string>();
    this.model.outputs.forEach((output) => {
      const ref = this.resolve(output, top);
      const layer = output.sourceLayer;
      let name = layer.name;
      if (used.has(name)) name = `${layer.name}_${output.tensorIndex}`;
      used.add(name);
      const view = this.view(layer, layer.name, [output.shape], [output.shape]);
      const ctx = new LayerContext(this.graph, this.settings, view, [ref], `${name}/output`);
      let value = ctx.inLayout(ref, identityPerm(output.shape.length));
      // A graph output must be produced by its own node: not an input, a constant or another output.
      if (value.producer === undefined || this.graph.outputs.includes(value)) value = ctx.node('Identity', [value]);
      value.shape = irShape(output.shape, identityPerm(output.shape.length));
      this.graph.markOutput(value, name);
    });
    return this.graph;
  }

  private resolve(tensor: SymbolicTensor, scope: Scope): TensorRef {
    const known = scope.refs.get(tensor.id);
    if (known) return known;
    const layer = tensor.sourceLayer;
    const node = layer.inboundNodes[tensor.nodeIndex];
    if (!node) throw new Error(`tensor '${tensor.name}' of layer '${scope.prefix}${layer.name}' has no inbound node ${tensor.nodeIndex}`);
    if (layer.getClassName() === 'InputLayer') {
      throw new Error(`input '${scope.prefix}${layer.name}' is not an input of the model being exported`);
    }
    const inputs = node.inputTensors.map((t) => this.resolve(t, scope));
    if (layer instanceof tf.LayersModel) {
      this.expandSubModel(layer, scope, inputs, node.outputTensors);
    } else {
      this.callLayer(layer, scope, inputs, node.inputTensors, node.outputTensors);
    }
    const resolved = scope.refs.get(tensor.id);
    if (!resolved) throw new Error(`layer '${scope.prefix}${layer.name}' did not produce tensor '${tensor.name}'`);
    return resolved;
  }

  /** A nested model is inlined: its inputs are bound to the caller's tensors and its outputs resolved. */
  private expandSubModel(model: tf.LayersModel, scope: Scope, inputs: TensorRef[], outputs: SymbolicTensor[]): void {
    const path = `${scope.prefix}${model.name}`;
    const inner: Scope = { prefix: `${this.callName(path)}/`, refs: new Map() };
    model.inputs.forEach((input, i) => inner.refs.set(input.id, inputs[i]!));
    model.outputs.forEach((output, i) => scope.refs.set(outputs[i]!.id, this.resolve(output, inner)));
  }

  private callLayer(layer: Layer, scope: Scope, inputs: TensorRef[], inputTensors: SymbolicTensor[], outputTensors: SymbolicTensor[]): void {
    const path = `${scope.prefix}${layer.name}`;
    const view = this.view(layer, path, inputTensors.map((t) => t.shape), outputTensors.map((t) => t.shape));
    const ctx = new LayerContext(this.graph, this.settings, view, inputs, this.callName(path));
    const outputs = this.handler(view)(ctx, view);
    if (outputs.length !== outputTensors.length) {
      throw new Error(`handler of ${view.className} returned ${outputs.length} outputs for layer '${path}', which has ${outputTensors.length}`);
    }
    outputs.forEach((output, i) => scope.refs.set(outputTensors[i]!.id, this.withShape(output, outputTensors[i]!.shape)));
  }

  /** The layer path for the first call, `path_call<n>` for later calls of a shared layer. */
  private callName(path: string): string {
    const count = this.callCounts.get(path) ?? 0;
    this.callCounts.set(path, count + 1);
    return count === 0 ? path : `${path}_call${count}`;
  }

  private withShape(output: { value: TensorRef['value']; perm: number[]; featureOrder?: Int32Array }, shape: TensorRef['shape']): TensorRef {
    if (output.featureOrder) output.value.shape ??= [shape[0] ?? 'N', output.featureOrder.length];
    else output.value.shape ??= irShape(shape, output.perm);
    return { ...output, shape };
  }

  private handler(view: LayerView) {
    const { handlers } = this.settings;
    const handler = Object.hasOwn(handlers, view.className) ? handlers[view.className] : undefined;
    if (!handler) throw new UnsupportedLayerError(view.path, view.className, Object.keys(handlers).sort());
    return handler;
  }

  private view(layer: Layer, path: string, inputShapes: TensorRef['shape'][], outputShapes: TensorRef['shape'][]): LayerView {
    const weights = this.readWeights(layer);
    return {
      className: layer.getClassName(),
      name: layer.name,
      path,
      config: layer.getConfig() as Record<string, unknown>,
      weights: weights.byName,
      weightList: weights.list,
      inputShapes,
      outputShapes,
    };
  }

  private readWeights(layer: Layer): LayerWeights {
    const cached = this.weightCache.get(layer);
    if (cached) return cached;
    const values = layer.getWeights();
    const list = layer.weights.map((variable, i) => {
      const tensor = values[i]!;
      const data = tensor.dtype === 'float32' ? tensor.dataSync() as Float32Array : Float32Array.from(tensor.dataSync());
      return { name: shortWeightName(variable.originalName ?? variable.name), tensor: floatTensor([...tensor.shape], data) };
    });
    const weights = { byName: new Map(list.map((w) => [w.name, w.tensor])), list };
    this.weightCache.set(layer, weights);
    return weights;
  }
}
