// Registers the project's training kernels for the wasm backend: the convolution gradients tfjs-backend-wasm
// lacks or runs slowly (MaxPoolGrad too), and leaner BatchNorm/Mean gradients. Idempotent; call after the wasm backend is set.
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input.ts';
import { fusedBatchNormLeanGrad, meanLeanGrad, wasmOnlyGradient } from './batch-norm-grad.ts';
import { maxPoolGradWasm } from './max-pool-grad.ts';

let registered = false;

function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel('Conv2DBackpropFilter', conv2dBackpropFilterWasm as unknown as tf.KernelFunc);
  replaceKernel('Conv2DBackpropInput', conv2dBackpropInputWasm as unknown as tf.KernelFunc);
  replaceKernel('MaxPoolGrad', maxPoolGradWasm as unknown as tf.KernelFunc);
  tf.registerGradient(wasmOnlyGradient('FusedBatchNorm', fusedBatchNormLeanGrad));
  tf.registerGradient(wasmOnlyGradient('Mean', meanLeanGrad));
}

/** Names of what registerWasmTrainingKernels provides, for the backend report and the tests. */
export const WASM_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'FusedBatchNorm (gradient)', 'Mean (gradient)'] as const;
