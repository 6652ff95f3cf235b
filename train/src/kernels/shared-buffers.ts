// Kernels whose output is their input: Identity, and Cast to the dtype a tensor already has. They share the
// input's buffer, as tfjs' cpu backend does and as Reshape does on wasm (the engine counts references per
// buffer); the wasm backend's own copy every byte. A training step runs Identity hundreds of times on
// gradients (tfjs' gradients of Add, Concat, Reshape… pass dy on through it) and Cast dozens of times on
// float32 tensors (Inception10 at batch 128: 53 and 15 ms of CPU per step, bench/NOTES.md finding 11).
import type { KernelArgs, Kernel } from './overlay.ts';
import type { TensorInfo } from './kernel-scope.ts';

interface CountingBackend {
  incRef(dataId: object): void;
}

function share(args: KernelArgs, x: TensorInfo): TensorInfo {
  (args.backend as unknown as CountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const sharedIdentity = (previous: Kernel): Kernel => (args: KernelArgs) => {
  const { x } = args.inputs as { x: TensorInfo };
  return x.dtype === 'string' ? previous(args) : share(args, x);
};

export const sharedCast = (previous: Kernel): Kernel => (args: KernelArgs) => {
  const { x } = args.inputs as { x: TensorInfo };
  const { dtype } = args.attrs as unknown as { dtype: string };
  return x.dtype === dtype && dtype !== 'string' ? share(args, x) : previous(args);
};
