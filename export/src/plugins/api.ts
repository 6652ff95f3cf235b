// What a plugin sees. A plugin is an ES module whose default export receives a PluginApi and registers,
// per custom tfjs class name, the tfjs layer class (so tfjs can load and run the model) and its lowering:
// a function that builds the layer's ONNX nodes through a LoweringBuilder. The builder hands the inputs over
// in the layer's logical (tfjs, channels-last) layout and lets each op say which layout it works in; the
// compiler tracks the real layout and inserts (and later cancels) the Transposes. See docs/PLUGINS.md.
import type * as tfjs from '@tensorflow/tfjs';
import type { Attribute } from '../ir/graph.ts';

/** A tfjs layer class: extends api.tf.layers.Layer and has a static className (tfjs' serialization key). */
export type LayerClass = tfjs.serialization.SerializableConstructor<tfjs.layers.Layer>;

/** An ONNX value inside a lowering. Opaque: only the builder makes and reads it. */
export interface PluginTensor {
  /** Rank of the tensor (its tfjs rank for the layer's inputs). */
  readonly rank: number;
}

/**
 * How an op reads its tensor inputs and lays out its output:
 * - 'channelsLast' (default): every input in the layer's logical tfjs layout (images NHWC), output likewise;
 * - 'channelsFirst': inputs with the last axis moved to axis 1 (images NCHW, as ONNX's Conv, pooling,
 *   Resize and DepthToSpace want them), output likewise;
 * - 'elementwise': inputs in the first input's layout, whatever it is (no Transpose at all); constants are
 *   broadcast as tfjs would (right-aligned) and rearranged at compile time. For ops that treat every
 *   element alike: Mul, Add, Relu, Clip, ...
 */
export type OpLayout = 'channelsLast' | 'channelsFirst' | 'elementwise';

/** ONNX attribute values: an integer is an INT, other numbers FLOAT, arrays INTS; tag others explicitly. */
export type AttributeValue = number | number[] | string | Attribute;

export interface OpOptions {
  /** Default 'channelsLast'. */
  layout?: OpLayout;
  /** The output's rank, when it differs from the first data input's (Reshape, Squeeze, ...). */
  rank?: number;
  /** The output's element type, when it differs from the first input's (Cast, Shape). */
  dtype?: 'float32' | 'int64';
}

export interface LayerInfo {
  className: string;
  /** The layer's own name and its path in the model (nested models joined by '/'). */
  name: string;
  path: string;
  /** The layer's getConfig(), camelCase keys as tfjs gives them. */
  config: Readonly<Record<string, unknown>>;
  /** tfjs shapes, batch first; null where unknown. */
  inputShapes: readonly (readonly (number | null)[])[];
  outputShapes: readonly (readonly (number | null)[])[];
}

export interface LoweringBuilder {
  readonly layer: LayerInfo;
  /** The layer's inputs, in the layer's logical (tfjs) layout. */
  readonly inputs: readonly PluginTensor[];
  /** The ONNX opset being written. */
  readonly opset: number;
  /** A config value; without a fallback, a missing key is an error naming the layer. */
  config<T>(key: string, fallback?: T): T;
  /** A weight by its short name ('kernel', 'bias', or the name the layer gave it in addWeight). */
  weight(name: string): { shape: number[]; data: Float32Array };
  /** A float32 constant (scalar when shape is omitted and there is one value). */
  constant(values: readonly number[] | Float32Array, shape?: number[]): PluginTensor;
  /** An int64 constant (shapes, axes, pads). */
  int64(values: readonly number[], shape?: number[]): PluginTensor;
  /** One ONNX node with one output. */
  op(opType: string, inputs: readonly PluginTensor[], attributes?: Record<string, AttributeValue>, options?: OpOptions): PluginTensor;
}

/** Builds the layer's outputs, one per tfjs output (a single tensor for a one-output layer). */
export type Lowering = (builder: LoweringBuilder) => PluginTensor | PluginTensor[];

export interface PluginApi {
  /** The tfjs the exporter runs: layer classes must extend this tf.layers.Layer, and may use its ops. */
  readonly tf: typeof tfjs;
  registerLayer(className: string, spec: { layerClass: LayerClass; lower: Lowering }): void;
}

/** The default export of a plugin module. */
export type OnnxEdgePlugin = (api: PluginApi) => void | Promise<void>;
