// A plugin's lowering as a layer handler: the LoweringBuilder handed to the plugin, implemented on the
// front end's LayerContext. Plugin tensors are TensorRefs without a tfjs shape: a value and the layout it
// has (perm, pending flatten order); each op brings its inputs to the layout it asks for through
// ctx.inLayout, so Transposes appear only where layouts really differ (and the cancel-transposes pass
// removes the pairs a channels-last op leaves between two channels-first layers).
import type { AttributeInput, Value } from '../ir/graph.ts';
import { floatTensor, int64Tensor, transposeFloat, type ConstTensor } from '../ir/tensor.ts';
import type { LayerContext, LayerHandler, LayerView } from '../frontend/context.ts';
import { channelsFirstPerm, identityPerm, samePerm, type LayerOutput } from '../frontend/layout.ts';
import type { AttributeValue, Lowering, LoweringBuilder, OpLayout, OpOptions, PluginTensor } from './api.ts';
import { PluginError, firstLine } from './errors.ts';

class BuilderTensor implements PluginTensor {
  constructor(readonly value: Value, readonly perm: number[], readonly featureOrder?: Int32Array) {}
  get rank(): number {
    return this.perm.length;
  }
}

const OP_TYPE = /^[A-Z][A-Za-z0-9]*$/;

function attributeInput(name: string, value: AttributeValue): AttributeInput {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`attribute '${name}' is ${value}`);
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`attribute '${name}' must hold finite numbers`);
    return value.every(Number.isInteger) ? value : { kind: 'floats', value };
  }
  return value;
}

/** `shape` of `tensor` right-aligned to `rank` (tfjs broadcasting), then laid out with `perm`. */
function constantInLayout(tensor: ConstTensor, rank: number, perm: readonly number[]): ConstTensor {
  const aligned = { ...tensor, shape: [...new Array<number>(rank - tensor.shape.length).fill(1), ...tensor.shape] };
  return transposeFloat(aligned, perm);
}

class Builder implements LoweringBuilder {
  readonly inputs: readonly BuilderTensor[];

  constructor(private readonly ctx: LayerContext, readonly layer: LayerView) {
    this.inputs = ctx.inputs.map((ref) => new BuilderTensor(ref.value, ref.perm, ref.featureOrder));
  }

  get opset(): number {
    return this.ctx.opset;
  }

  config<T>(key: string, fallback?: T): T {
    return this.ctx.config(key, fallback);
  }

  weight(name: string): { shape: number[]; data: Float32Array } {
    const tensor = this.ctx.weight(name);
    return { shape: [...tensor.shape], data: tensor.data as Float32Array };
  }

  constant(values: readonly number[] | Float32Array, shape?: number[]): PluginTensor {
    const dims = shape ?? (values.length === 1 ? [] : [values.length]);
    return new BuilderTensor(this.ctx.constant('constant', floatTensor(dims, Float32Array.from(values))), identityPerm(dims.length));
  }

  int64(values: readonly number[], shape?: number[]): PluginTensor {
    const dims = shape ?? [values.length];
    return new BuilderTensor(this.ctx.constant('constant', int64Tensor(dims, values)), identityPerm(dims.length));
  }

  op(opType: string, inputs: readonly PluginTensor[], attributes: Record<string, AttributeValue> = {}, options: OpOptions = {}): PluginTensor {
    if (!OP_TYPE.test(opType)) throw new Error(`'${opType}' is not an ONNX op type`);
    const tensors = inputs.map((t, i) => {
      if (!(t instanceof BuilderTensor)) throw new Error(`input ${i} of ${opType} is not a tensor made by this builder`);
      return t;
    });
    const data = tensors.find((t) => t.value.constant === undefined);
    // A pending flatten order survives an elementwise op only when nothing else it reads has a feature axis.
    const scalarOthers = tensors.every((t) => t === data || (t.value.constant !== undefined && t.value.constant.shape.every((d) => d === 1)));
    const layout = options.layout === 'elementwise' && data?.featureOrder && !scalarOthers ? 'channelsLast' : options.layout ?? 'channelsLast';
    const rank = options.rank ?? data?.rank ?? tensors[0]?.rank;
    if (rank === undefined) throw new Error(`${opType} has no inputs: give its output rank ({ rank })`);
    const permFor = (r: number) => (layout === 'channelsLast' ? identityPerm(r) : layout === 'channelsFirst' ? channelsFirstPerm(r) : data?.perm ?? identityPerm(r));
    const values = tensors.map((t) => this.materialize(t, layout, data));
    const attrs = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, attributeInput(k, v)]));
    const y = this.ctx.node(opType, values, attrs, opType, options.dtype);
    return new BuilderTensor(y, permFor(rank), layout === 'elementwise' ? data?.featureOrder : undefined);
  }

  /** The tensor's value in the layout `layout` asks for (constants are rearranged at compile time). */
  private materialize(t: BuilderTensor, layout: OpLayout, data: BuilderTensor | undefined): Value {
    const constant = t.value.constant;
    if (constant) {
      if (constant.dtype !== 'float32' || constant.shape.length === 0) return t.value;
      if (layout === 'elementwise' && data && !samePerm(data.perm, identityPerm(data.rank))) {
        return this.ctx.constant('constant', constantInLayout(constant, data.rank, data.perm));
      }
      if (layout === 'channelsFirst' && constant.shape.length >= 3) return this.ctx.constant('constant', transposeFloat(constant, channelsFirstPerm(constant.shape.length)));
      return t.value;
    }
    if (layout === 'elementwise') return data && t !== data ? this.ctx.inLayout({ ...t, shape: [] }, data.perm) : t.value;
    return this.ctx.inLayout({ ...t, shape: [] }, layout === 'channelsLast' ? identityPerm(t.rank) : channelsFirstPerm(t.rank));
  }
}

/** The handler that runs `lower` from plugin `plugin` for class `className`; every failure is a PluginError. */
export function pluginHandler(plugin: string, className: string, lower: Lowering): LayerHandler {
  return (ctx, layer) => {
    const where = `plugin '${plugin}': lowering of class '${className}' (layer '${layer.path}')`;
    let result: PluginTensor | PluginTensor[];
    try {
      result = lower(new Builder(ctx, layer));
    } catch (err) {
      throw new PluginError(`${where} threw: ${firstLine(err)}`);
    }
    const outputs = Array.isArray(result) ? result : [result];
    if (outputs.length !== layer.outputShapes.length) {
      throw new PluginError(`${where} returned ${outputs.length} output${outputs.length === 1 ? '' : 's'}; the layer has ${layer.outputShapes.length}`);
    }
    return outputs.map((t, i): LayerOutput => {
      if (!(t instanceof BuilderTensor)) throw new PluginError(`${where} returned something other than a builder tensor as output ${i}`);
      const rank = layer.outputShapes[i]!.length;
      if (t.rank !== rank) throw new PluginError(`${where} returned a rank-${t.rank} tensor as output ${i}, which has rank ${rank} (give op(..., { rank }))`);
      return ctx.output(t.value, t.perm, t.featureOrder);
    });
  };
}
