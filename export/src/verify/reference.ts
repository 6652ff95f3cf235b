// Where tfjs itself is the wrong reference. tfjs 4.22 computes BatchNormalization on a non-last axis wrongly
// at inference (its batchNorm kernels index the moving statistics by flat position), and refuses to run
// Softmax on a non-last axis. Verification names such layers and compares the export with a copy of the
// model in which those classes compute the Keras definition: same topology, same weights, the two classes
// replaced by subclasses that fall back to tfjs on the last axis and use the formula elsewhere.
import * as tf from '@tensorflow/tfjs';
import type { TfjsDeviation } from '@onnx-edge/core';

type LayerConstructor = new (config: never) => tf.layers.Layer;

const single = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0]! : inputs);
const positive = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function registeredClass(className: string): LayerConstructor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs has no layer class '${className}'`);
  return entry[0] as unknown as LayerConstructor;
}

/** The layer's single normalised axis, or undefined for a list of several. */
function singleAxis(layer: tf.layers.Layer): number | undefined {
  const axis = (layer.getConfig() as { axis?: number | number[] }).axis ?? -1;
  if (Array.isArray(axis)) return axis.length === 1 ? axis[0] : undefined;
  return axis;
}

function inputRank(layer: tf.layers.Layer): number {
  return layer.inboundNodes[0]?.inputTensors[0]?.shape.length ?? 0;
}

/** What tfjs gets wrong per class, and whether it runs the model at all (then its error can be measured). */
const PROBLEMS: Record<string, { problem: string; tfjsRuns: boolean }> = {
  BatchNormalization: { problem: 'tfjs 4.22 computes BatchNormalization on a non-last axis wrongly at inference', tfjsRuns: true },
  Softmax: { problem: 'tfjs 4.22 refuses to run Softmax on a non-last axis', tfjsRuns: false },
};

/** Whether tfjs runs a model with these deviations at all (it refuses some layers outright). */
export function tfjsRunsDespite(deviations: readonly TfjsDeviation[]): boolean {
  return deviations.every((d) => PROBLEMS[d.className]?.tfjsRuns === true);
}

/** Layers (nested models included) whose tfjs result is not the Keras definition. */
export function tfjsDeviations(model: tf.LayersModel, prefix = ''): TfjsDeviation[] {
  return model.layers.flatMap((layer): TfjsDeviation[] => {
    if (layer instanceof tf.LayersModel) return tfjsDeviations(layer, `${prefix}${layer.name}/`);
    const known = PROBLEMS[layer.getClassName()];
    const axis = singleAxis(layer);
    if (!known || axis === undefined) return [];
    const rank = inputRank(layer);
    return positive(axis, rank) === rank - 1 ? [] : [{ layer: `${prefix}${layer.name}`, className: layer.getClassName(), problem: known.problem }];
  });
}

/** The Keras BatchNormalization at inference: (x − mean) / √(var + ε) · gamma + beta on the layer's axis. */
function kerasBatchNormalization(): LayerConstructor & { className: string } {
  const Base = registeredClass('BatchNormalization');
  return class KerasBatchNormalization extends Base {
    static className = 'OnnxEdgeKerasBatchNormalization';

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = single(inputs);
      const axis = positive(singleAxis(this) ?? -1, x.rank);
      if (axis === x.rank - 1) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const config = this.getConfig() as { epsilon: number; scale: boolean; center: boolean };
        const shape = x.shape.map((d, i) => (i === axis ? d : 1));
        const weight = (name: string) => this.weights.find((w) => (w.originalName ?? w.name).endsWith(name))?.read().reshape(shape);
        const normalised = x.sub(weight('moving_mean')!).div(weight('moving_variance')!.add(config.epsilon).sqrt());
        const scaled = config.scale ? normalised.mul(weight('gamma')!) : normalised;
        return config.center ? scaled.add(weight('beta')!) : scaled;
      });
    }
  };
}

/** Softmax on any single axis: moved to the last axis, where tfjs computes it, and back. */
function kerasSoftmax(): LayerConstructor & { className: string } {
  const Base = registeredClass('Softmax');
  return class KerasSoftmax extends Base {
    static className = 'OnnxEdgeKerasSoftmax';

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = single(inputs);
      const axis = singleAxis(this);
      if (axis === undefined || positive(axis, x.rank) === x.rank - 1) return super.call(inputs, kwargs);
      const perm = x.shape.map((_, i) => i);
      [perm[positive(axis, x.rank)], perm[x.rank - 1]] = [x.rank - 1, positive(axis, x.rank)];
      return tf.tidy(() => tf.softmax(x.transpose(perm)).transpose(perm));
    }
  };
}

let replacements: Record<string, string> | undefined;

/** Registers the formula classes once; tfjs class name → formula class name. */
function formulaClasses(): Record<string, string> {
  if (!replacements) {
    const classes = [kerasBatchNormalization(), kerasSoftmax()];
    for (const cls of classes) tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
    replacements = { BatchNormalization: classes[0]!.className, Softmax: classes[1]!.className };
  }
  return replacements;
}

function replaceClasses(json: unknown, map: Record<string, string>): unknown {
  if (Array.isArray(json)) return json.map((item) => replaceClasses(item, map));
  if (typeof json !== 'object' || json === null) return json;
  return Object.fromEntries(Object.entries(json).map(([key, value]) => [
    key,
    key === 'class_name' && typeof value === 'string' && Object.hasOwn(map, value) ? map[value] : replaceClasses(value, map),
  ]));
}

/** A copy of `model` that computes the Keras definition where tfjs does not; the caller disposes it. */
export async function formulaModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = replaceClasses(model.toJSON(null, false), formulaClasses()) as tf.io.ModelJSON['modelTopology'];
  const copy = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
