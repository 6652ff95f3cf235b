// What an op handler sees: the TF node (op, attributes), its inputs as TfTensors, and a context that
// creates NEW IR nodes and constants. Handlers never edit what other handlers made. Constants stay
// compile-time values until a consumer asks for them in a layout, so weights are transposed once, here.
import type { AttributeInput, Dim, Graph, Value } from '../ir/graph.ts';
import { int64Tensor, transposeTensor, type ConstTensor, type DataType } from '../ir/tensor.ts';
import { identityPerm, samePerm, transposeBetween } from '../frontend/layout.ts';
import type { TfAttributes } from './attributes.ts';
import { ModelFileError } from '../io/model-file-error.ts';
import { UnsupportedOpError } from './errors.ts';
import type { TfNode } from './model-json.ts';
import { constantValues, IR_DTYPE, irShapeOf, isStatic, type KnownElement, type TfDtype, type TfTensor } from './tensor-ref.ts';

export interface GraphExportSettings {
  opset: number;
  /** Layout of rank-4 (image) graph inputs. */
  inputLayout: 'nchw' | 'nhwc';
}

/** What the walker lends every context: weights, graph-input names, and the cache of laid-out constants. */
export interface WalkEnvironment {
  weight(name: string): ConstTensor | undefined;
  inputName(nodeName: string): string;
  /** Each tensor's value per IR layout, so a tensor read by many nodes is laid out (or written) once. */
  layoutCache: WeakMap<TfTensor, Map<string, Value>>;
}

export interface NodeOptions {
  /** Name suffix under the TF node's name (default: the op type). */
  suffix?: string;
  dtype?: DataType;
  /** IR shape of the (first) output, when the handler knows it. */
  shape?: Dim[];
}

export class OpContext {
  constructor(
    readonly graph: Graph,
    readonly settings: GraphExportSettings,
    readonly node: TfNode,
    readonly inputs: readonly TfTensor[],
    private readonly env: WalkEnvironment,
  ) {}

  get opset(): number {
    return this.settings.opset;
  }

  get attrs(): TfAttributes {
    return this.node.attrs;
  }

  /** The i-th data input; a node with fewer inputs than its op needs is refused by name. */
  input(index: number): TfTensor {
    const t = this.inputs[index];
    if (!t) this.unsupported(`needs at least ${index + 1} inputs, has ${this.inputs.length}`);
    return t;
  }

  /** A known op with a setting or input the exporter does not translate. */
  unsupported(detail: string): never {
    throw new UnsupportedOpError(this.node.name, this.node.op, detail);
  }

  private required<T>(name: string, value: T | undefined, fallback: T | undefined): T {
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    return this.unsupported(`attr '${name}' is missing`);
  }

  int(name: string, fallback?: number): number { return this.required(name, this.attrs.int(name), fallback); }
  float(name: string, fallback?: number): number { return this.required(name, this.attrs.float(name), fallback); }
  bool(name: string, fallback?: boolean): boolean { return this.required(name, this.attrs.bool(name), fallback); }
  string(name: string, fallback?: string): string { return this.required(name, this.attrs.string(name), fallback); }
  ints(name: string, fallback?: number[]): number[] { return this.required(name, this.attrs.ints(name), fallback); }
  strings(name: string, fallback?: string[]): string[] { return this.required(name, this.attrs.strings(name), fallback); }

  /** One IR node with one output, named `<TF node>/<suffix>`. */
  op(opType: string, inputs: Value[], attributes: Record<string, AttributeInput> = {}, options: NodeOptions = {}): Value {
    const value = this.graph.addNode(opType, inputs, attributes, { name: `${this.node.name}/${options.suffix ?? opType}`, dtype: options.dtype }).outputs[0]!;
    if (options.shape) value.shape = options.shape;
    return value;
  }

  /** One IR node with several outputs, each with its dtype. */
  opOutputs(opType: string, inputs: Value[], dtypes: DataType[], attributes: Record<string, AttributeInput> = {}, suffix = opType): Value[] {
    const outputs = this.graph.addNode(opType, inputs, attributes, { name: `${this.node.name}/${suffix}`, outputs: dtypes.length }).outputs;
    outputs.forEach((v, i) => { v.dtype = dtypes[i]!; });
    return outputs;
  }

  constant(suffix: string, tensor: ConstTensor): Value {
    return this.graph.addConstant(`${this.node.name}/${suffix}`, tensor);
  }

  int64(suffix: string, values: readonly number[], shape: number[] = [values.length]): Value {
    return this.constant(suffix, int64Tensor(shape, values));
  }

  /** The weight a Const node names; a name missing from the manifest is an error naming the node. */
  weight(name: string): ConstTensor {
    const tensor = this.env.weight(name);
    if (!tensor) throw new ModelFileError(`constant node '${name}' has no entry in the weightsManifest: the model.json and its weight files do not belong together`);
    return tensor;
  }

  graphInputName(): string {
    return this.env.inputName(this.node.name);
  }

  /** An omitted optional ONNX input. */
  absent(): Value {
    return this.graph.absentInput();
  }

  /**
   * The tensor's value laid out by `perm`, in TF feature order: constants are transposed at compile time,
   * a flatten in IR order is redone in TF order, and a different layout costs a Transpose — or a
   * Reshape when only size-1 axes move.
   */
  inLayout(t: TfTensor, perm: readonly number[]): Value {
    const inOrder = !t.flattenedFrom && samePerm(t.perm, perm);
    if (inOrder && t.value) return t.value;
    // Each layout of a tensor is made once, however many consumers ask for it.
    let byPerm = this.env.layoutCache.get(t);
    if (!byPerm) this.env.layoutCache.set(t, (byPerm = new Map()));
    const key = perm.join(',');
    let value = byPerm.get(key);
    if (!value) {
      value = t.constant ? this.laidOutConstant(t, perm) : this.relaidOut(t, perm);
      byPerm.set(key, value);
    }
    return value;
  }

  private relaidOut(t: TfTensor, perm: readonly number[]): Value {
    let value = t.value!;
    if (t.flattenedFrom) {
      // Flattened in IR order: flatten the source again, in TF order this time.
      const flat = t.shape.map((d) => (typeof d === 'number' ? d : -1));
      value = this.op('Reshape', [this.tfLayout(t.flattenedFrom), this.int64('flat_shape', flat)], {}, { suffix: 'flatten_in_tf_order', shape: irShapeOf(t) });
    }
    if (samePerm(t.perm, perm)) return value;
    const target = perm.map((axis) => t.shape[axis]!);
    const moved = (p: readonly number[]) => p.filter((axis) => t.shape[axis] !== 1);
    const symbolic = target.filter((d) => typeof d !== 'number').length;
    if (samePerm(moved(t.perm), moved(perm)) && symbolic <= 1) {
      return this.op('Reshape', [value, this.int64('layout_shape', target.map((d) => (typeof d === 'number' ? d : -1)))], {}, { suffix: 'to_layout', shape: target });
    }
    return this.op('Transpose', [value], { perm: transposeBetween(t.perm, perm) }, { suffix: 'to_layout', shape: target });
  }

  /** A constant laid out by `perm` at compile time. */
  private laidOutConstant(t: TfTensor, perm: readonly number[]): Value {
    const identity = samePerm(perm, identityPerm(perm.length));
    const tensor = identity ? t.constant! : transposeTensor(t.constant!, perm);
    const name = t.constantName ?? `${this.node.name}/const`;
    return this.graph.addConstant(identity ? name : `${name}/laid_out`, tensor);
  }

  /**
   * Runs an emitter whose every node is elementwise over operands broadcast to IR `shape` (Mod then Sub, Sub
   * then Mul, ...), giving each value it creates that shape.
   */
  elementwiseNodes(shape: Dim[], emit: () => Value): Value {
    const before = this.graph.nodes.length;
    const y = emit();
    for (const node of this.graph.nodes.slice(before)) for (const v of node.outputs) v.shape ??= [...shape];
    return y;
  }

  /** The value in TF layout (identity perm). */
  tfLayout(t: TfTensor): Value {
    return this.inLayout(t, identityPerm(t.shape.length));
  }

  /** An output of this node: its IR value, TF shape, dtype and layout. */
  output(value: Value, shape: Dim[], dtype: TfDtype, perm: number[] = identityPerm(shape.length), extra: Pick<TfTensor, 'known' | 'flattenedFrom'> = {}): TfTensor {
    const t: TfTensor = { shape, dtype, perm, value, ...extra };
    value.shape ??= irShapeOf(t);
    return t;
  }

  /** A compile-time output (folded shape arithmetic, a Const). */
  constantOutput(tensor: ConstTensor, dtype: TfDtype, name = this.node.name): TfTensor {
    return { shape: [...tensor.shape], dtype, perm: identityPerm(tensor.shape.length), constant: tensor, constantName: name };
  }

  /** Compile-time elements of a tensor (numbers, or symbolic dims), or undefined when unknown. */
  known(t: TfTensor): KnownElement[] | undefined {
    if (t.constant) return constantValues(t.constant);
    return t.known;
  }

  /** Compile-time numbers of an input the op needs as a constant (axes, perms, sizes, paddings). */
  staticValues(t: TfTensor, what: string): number[] {
    const values = this.known(t);
    if (!values || !isStatic(values)) return this.unsupported(`${what} must be known at compile time (it is computed at run time here)`);
    return values;
  }

  /** A Cast to `dtype`, or the value itself when it already has it. */
  cast(value: Value, dtype: DataType, suffix = `cast_${dtype}`): Value {
    return value.dtype === dtype ? value : this.op('Cast', [value], { to: ONNX_TYPE_CODES[dtype] }, { suffix, dtype, shape: value.shape });
  }

  /**
   * A Reduce* node over IR `axes`: the axes are an attribute before opset 18 and an input from 18 on
   * (ReduceSum: from 13 on).
   */
  reduce(opType: ReduceOp, x: Value, axes: number[], keepdims: boolean, shape?: Dim[], suffix: string = opType): Value {
    const axesAsInput = opType === 'ReduceSum' || this.opset >= 18;
    const options = { suffix, dtype: x.dtype, shape };
    if (!axesAsInput) return this.op(opType, [x], { axes, keepdims: keepdims ? 1 : 0 }, options);
    return this.op(opType, [x, this.int64(`${suffix}_axes`, axes)], { keepdims: keepdims ? 1 : 0 }, options);
  }

  irDtype(dtype: TfDtype): DataType {
    return IR_DTYPE[dtype];
  }
}

export type ReduceOp = 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceSum' | 'ReduceProd';

/** ONNX TensorProto.DataType codes, for Cast's `to`. */
export const ONNX_TYPE_CODES: Record<DataType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };

/** One TF op's translation: new IR nodes for the node, its outputs as TfTensors (by output index). */
export type OpHandler = (ctx: OpContext, node: TfNode) => TfTensor[];
