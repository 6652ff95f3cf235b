// Registers kernels over the wasm backend's for a while: each replacement gets the kernel it replaces (to
// fall back on), and `restore` registers the replaced ones again. Training scopes its kernels this way, so
// inference through selectBackend('wasm') — the parity check, the benchmarks' tfjs peer — keeps tfjs' own.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from './kernel-scope.ts';

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };
export type Kernel = (args: KernelArgs) => TensorInfo | TensorInfo[];
/** Makes a replacement kernel from the one it replaces. */
export type KernelFactory = (previous: Kernel) => Kernel;

function register(kernelName: string, kernel: Kernel): void {
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernel as unknown as tf.KernelFunc });
}

/** Replaces each named wasm kernel; returns the function that puts the replaced ones back. */
export function overlayKernels(factories: Record<string, KernelFactory>): () => void {
  const replaced = new Map<string, Kernel>();
  for (const name of Object.keys(factories)) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) throw new Error(`wasm kernel '${name}' is not registered: start the wasm backend (selectBackend('wasm')) first`);
    replaced.set(name, config.kernelFunc as unknown as Kernel);
  }
  for (const [name, factory] of Object.entries(factories)) register(name, factory(replaced.get(name)!));
  return () => {
    for (const [name, kernel] of replaced) register(name, kernel);
  };
}
