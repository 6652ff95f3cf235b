// Leaner gradients for BatchNormalization training on wasm. tfjs-core's FusedBatchNorm gradient tiles the
// per-channel 1/sqrt(var+eps) to the full activation size and runs ~10 full-size ops; its Mean gradient
// multiplies by a full-size tensor of ones and divides (three full-size ops). Both run on every BatchNorm of
// every step. Here the per-channel factors are folded first and broadcasting does the rest, and the two
// reductions that derVariance, derScale, derMean and derOffset share are computed once.
// The replacements apply only while the wasm backend is active; other backends keep tfjs' own gradients.
import * as tf from '@tensorflow/tfjs';

type GradFunc = tf.GradConfig['gradFunc'];

/** Wraps a gradient config so that `lean` runs on wasm and the original everywhere else. */
export function wasmOnlyGradient(kernelName: string, lean: GradFunc): tf.GradConfig {
  const original = tf.getGradient(kernelName);
  if (!original) throw new Error(`tfjs has no gradient for '${kernelName}' to replace`);
  return {
    kernelName,
    inputsToSave: original.inputsToSave,
    outputsToSave: original.outputsToSave,
    saveAllInputs: original.saveAllInputs,
    gradFunc: (dy, saved, attrs) => (tf.getBackend() === 'wasm' ? lean : original.gradFunc)(dy, saved, attrs),
  };
}

export const fusedBatchNormLeanGrad: GradFunc = (dyIn, saved, attrs) => {
  const dy = dyIn as tf.Tensor;
  const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
  const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
  const sumToMeanShape = (t: tf.Tensor) => (reductionAxes.length > 0 ? tf.reshape(tf.sum(t, reductionAxes), mean.shape) : t);

  const rsqrtVar = tf.rsqrt(tf.add(variance, epsilon));
  const scaleValue = scale ?? tf.scalar(1);
  const scaledRsqrt = tf.mul(rsqrtVar, scaleValue);
  // Shared reductions: Σ dy and Σ dy·(x − mean) per channel.
  const sumDy = sumToMeanShape(dy);
  const sumDyCentered = sumToMeanShape(tf.mul(dy, tf.sub(x, mean)));
  return {
    x: () => tf.mul(dy, scaledRsqrt),
    mean: () => tf.neg(tf.mul(sumDy, scaledRsqrt)),
    variance: () => tf.mul(sumDyCentered, tf.mul(tf.mul(scaledRsqrt, tf.square(rsqrtVar)), -0.5)),
    scale: () => tf.mul(sumDyCentered, rsqrtVar),
    offset: () => sumDy,
  };
};

export const meanLeanGrad: GradFunc = (dyIn, saved, attrs) => {
  const dy = dyIn as tf.Tensor;
  const [x] = saved as [tf.Tensor];
  const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
  const reduceSize = axes.reduce((size, axis) => size * x.shape[axis], 1);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  // wasm's Tile (behind broadcastTo) is a slow generic loop; a fill plus a broadcasting add runs on XNNPACK.
  return { x: () => tf.add(tf.zeros(x.shape), tf.reshape(tf.div(dy, reduceSize), keptShape)) };
};
