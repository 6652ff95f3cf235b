// What a layer handler sees: the layer (class, path, config, weights, shapes), its inputs as TensorRefs,
// and a context that creates NEW nodes and constants in the graph. Handlers never edit existing nodes.
import type { AttributeInput, Graph, Value } from '../ir/graph.ts';
import { int64Tensor, type ConstTensor, type DataType } from '../ir/tensor.ts';
import { UnsupportedLayerError } from './errors.ts';
import { channelsFirstPerm, identityPerm, inputSymbol, irShape, samePerm, transposeBetween, type LayerOutput, type TensorRef, type TfShape } from './layout.ts';

export interface LayerView {
  className: string;
  /** The layer's own name. */
  name: string;
  /** Its path in the model: nested sub-model names joined by '/'. */
  path: string;
  config: Record<string, unknown>;
  /** Weights by short name ('kernel', 'bias', 'gamma', 'moving_mean', ...). */
  weights: ReadonlyMap<string, ConstTensor>;
  /** The same weights in the layer's own order, for layers with repeated short names. */
  weightList: readonly { name: string; tensor: ConstTensor }[];
  inputShapes: TfShape[];
  outputShapes: TfShape[];
}

export interface ExportSettings {
  opset: number;
  /** Layout of rank-4 (image) graph inputs. */
  inputLayout: 'nchw' | 'nhwc';
  /** The handler table of this export: the exporter's own, extended by plugins. */
  handlers: Readonly<Record<string, LayerHandler>>;
}

export class LayerContext {
  constructor(
    readonly graph: Graph,
    readonly settings: ExportSettings,
    readonly layer: LayerView,
    readonly inputs: TensorRef[],
    /** Prefix of the names of everything this call creates (unique per call of a shared layer). */
    private readonly namePrefix: string,
    /** Set when this is a top-level input layer: the name its graph input gets. */
    private readonly graphInputName?: string,
  ) {}

  get opset(): number {
    return this.settings.opset;
  }

  /** One node with one output; `suffix` makes its name (`<layer path>/<suffix>`). */
  node(opType: string, inputs: Value[], attributes: Record<string, AttributeInput> = {}, suffix = opType, dtype?: DataType): Value {
    return this.graph.addNode(opType, inputs, attributes, { name: `${this.namePrefix}/${suffix}`, dtype }).outputs[0]!;
  }

  /** A node with several outputs. */
  nodeOutputs(opType: string, inputs: Value[], outputs: number, attributes: Record<string, AttributeInput> = {}, suffix = opType): Value[] {
    return this.graph.addNode(opType, inputs, attributes, { name: `${this.namePrefix}/${suffix}`, outputs }).outputs;
  }

  constant(suffix: string, tensor: ConstTensor): Value {
    return this.graph.addConstant(`${this.namePrefix}/${suffix}`, tensor);
  }

  weight(name: string): ConstTensor {
    const tensor = this.layer.weights.get(name);
    if (!tensor) throw new Error(`layer '${this.layer.path}' (${this.layer.className}) has no weight '${name}' (has: ${[...this.layer.weights.keys()].join(', ') || 'none'})`);
    return tensor;
  }

  config<T>(key: string, fallback?: T): T {
    const value = this.layer.config[key];
    if (value === undefined || value === null) {
      if (fallback === undefined) throw new Error(`layer '${this.layer.path}' (${this.layer.className}) has no config '${key}'`);
      return fallback;
    }
    return value as T;
  }

  /**
   * A Reduce* node over IR `axes`: the axes are an attribute before opset 18 and an input from 18 on
   * (ReduceSum: from 13 on).
   */
  reduce(opType: 'ReduceMean' | 'ReduceMax' | 'ReduceSum', x: Value, axes: number[], keepdims: boolean, suffix: string = opType): Value {
    const axesAsInput = opType === 'ReduceSum' || this.opset >= 18;
    if (!axesAsInput) return this.node(opType, [x], { axes, keepdims: keepdims ? 1 : 0 }, suffix);
    return this.node(opType, [x, this.constant(`${suffix}_axes`, int64Tensor([axes.length], axes))], { keepdims: keepdims ? 1 : 0 }, suffix);
  }

  /** The handler of a class in this export's table (a wrapped layer's), or undefined. */
  handlerFor(className: string): LayerHandler | undefined {
    return Object.hasOwn(this.settings.handlers, className) ? this.settings.handlers[className] : undefined;
  }

  /** The classes this export handles, sorted (for error messages). */
  handledClasses(): string[] {
    return Object.keys(this.settings.handlers).sort();
  }

  /** The context of a layer wrapped by this one (TimeDistributed): its nodes are named under this layer's. */
  nested(layer: LayerView, inputs: TensorRef[]): LayerContext {
    return new LayerContext(this.graph, this.settings, layer, inputs, `${this.namePrefix}/${layer.name}`);
  }

  /** A known class used with a setting the exporter does not translate. */
  unsupported(detail: string): never {
    throw new UnsupportedLayerError(this.layer.path, this.layer.className, [], detail);
  }

  /**
   * The tensor's value laid out with `perm` and in tfjs feature order: a Gather undoes a pending flatten
   * order, a Transpose changes the layout. Handlers ask for the layout they need; the result is a no-op
   * when the tensor already has it.
   */
  inLayout(ref: TensorRef, perm: readonly number[]): Value {
    let value = ref.value;
    if (ref.featureOrder) {
      const inverse = new Array<number>(ref.featureOrder.length);
      ref.featureOrder.forEach((tf, ir) => { inverse[tf] = ir; });
      value = this.node('Gather', [value, this.constant('feature_order', int64Tensor([inverse.length], inverse))], { axis: 1 }, 'restore_feature_order');
    }
    if (!samePerm(ref.perm, perm)) {
      value = this.node('Transpose', [value], { perm: transposeBetween(ref.perm, perm) }, 'to_layout');
    }
    return value;
  }

  /**
   * Declares a graph input for this (Input) layer. Image inputs (rank 4) are NCHW, or NHWC followed by the
   * graph's single Transpose when the user asked for NHWC input; other ranks keep the tfjs layout.
   */
  graphInput(): LayerOutput {
    const name = this.graphInputName;
    if (name === undefined) throw new Error(`layer '${this.layer.path}' is an input layer but not an input of the exported model`);
    const shape = this.layer.outputShapes[0]!;
    const dtype: DataType = this.config<string>('dtype', 'float32') === 'int32' ? 'int32' : 'float32';
    const rank = shape.length;
    // Unknown sizes become this input's own symbols, which shape inference carries through the graph.
    const declare = (perm: number[]) => this.graph.addInput(name, dtype, irShape(shape, perm, 'N', (axis) => inputSymbol(name, rank, axis)));
    if (rank !== 4) return this.output(declare(identityPerm(rank)), identityPerm(rank));
    const nchw = channelsFirstPerm(rank);
    if (this.settings.inputLayout === 'nchw') return this.output(declare(nchw), nchw);
    return this.output(this.node('Transpose', [declare(identityPerm(rank))], { perm: nchw }, 'nhwc_to_nchw'), nchw);
  }

  /** An output of this layer with its layout; the walker attaches the tfjs shape. */
  output(value: Value, perm: number[], featureOrder?: Int32Array): LayerOutput {
    return featureOrder ? { value, perm, featureOrder } : { value, perm };
  }

  /** The IR shape the i-th output will have, for handlers that need it as a constant (Reshape). */
  outputIrShape(index: number, perm: readonly number[]): (number | string)[] {
    return irShape(this.layer.outputShapes[index]!, perm);
  }
}

export type LayerHandler = (ctx: LayerContext, layer: LayerView) => LayerOutput[];
