// Identity that shares its input's buffer, as tfjs' cpu backend and Reshape on wasm do (the engine counts
// references per buffer): the wasm backend's own copies every byte, and a training step runs it hundreds of
// times on gradients (tfjs' gradients of Add, Concat, Reshape… pass dy on through Identity).
import type { KernelArgs, Kernel } from './overlay.ts';
import type { TensorInfo } from './kernel-scope.ts';

interface CountingBackend {
  incRef(dataId: object): void;
}

export const sharedIdentity = (previous: Kernel): Kernel => (args: KernelArgs) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return previous(args);
  (args.backend as unknown as CountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};
