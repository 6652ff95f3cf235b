// Composes new wasm kernels out of the wasm backend's own registered kernels (XNNPACK convolution,
// transpose, pad...). Calling kernel functions directly, rather than tf ops, keeps the composition off the
// gradient tape and lets us free every intermediate buffer the moment the composed kernel returns.
import * as tf from '@tensorflow/tfjs';

export type TensorInfo = tf.TensorInfo;

export class KernelScope {
  private readonly intermediates: TensorInfo[] = [];

  constructor(private readonly backend: tf.KernelBackend) {}

  /** Runs a registered wasm kernel; `inputs` is an array for kernels that take a list (Concat). */
  run(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: object = {}): TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (!config) throw new Error(`wasm kernel '${kernelName}' is not registered: load @tensorflow/tfjs-backend-wasm first`);
    const out = config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend }) as TensorInfo;
    this.intermediates.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (size.every((s, i) => s === x.shape[i]) && begin.every((b) => b === 0)) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  concat(inputs: TensorInfo[], axis: number): TensorInfo {
    return inputs.length === 1 ? inputs[0]! : this.run('Concat', inputs, { axis });
  }

  zeros(shape: number[]): TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }

  /** Pads with zeros where an amount is positive and crops where it is negative, per spatial edge (NHWC). */
  padOrCrop(x: TensorInfo, edges: { top: number; bottom: number; left: number; right: number }): TensorInfo {
    const [n, h, w, c] = x.shape;
    const cropTop = Math.max(0, -edges.top);
    const cropLeft = Math.max(0, -edges.left);
    const cropped = this.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - Math.max(0, -edges.bottom), w - cropLeft - Math.max(0, -edges.right), c]);
    return this.pad(cropped, [[0, 0], [Math.max(0, edges.top), Math.max(0, edges.bottom)], [Math.max(0, edges.left), Math.max(0, edges.right)], [0, 0]]);
  }

  /** Forward convolution on XNNPACK with explicit paddings (never negative). */
  conv2d(x: TensorInfo, filter: TensorInfo, pads: { top: number; bottom: number; left: number; right: number }, strides: [number, number], dilations: [number, number]): TensorInfo {
    const pad = [[0, 0], [pads.top, pads.bottom], [pads.left, pads.right], [0, 0]];
    return this.run('Conv2D', { x, filter }, { strides, pad, dilations, dataFormat: 'NHWC', dimRoundingMode: undefined });
  }

  /** The values of a float32 tensor, copied out of the backend. */
  read(x: TensorInfo): Float32Array {
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  /** A new float32 tensor in the backend, holding `values`. */
  fromValues(shape: number[], values: Float32Array): TensorInfo {
    const out: TensorInfo = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.intermediates.push(out);
    return out;
  }

  /** Hands `result` to the caller and frees every other buffer made in this scope. */
  finish(result: TensorInfo): TensorInfo {
    for (const info of this.intermediates) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    return result;
  }
}
