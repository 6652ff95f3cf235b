// Puts the onnxruntime kernels over the wasm backend's (and the project's) for the kernels that carry a
// training step's arithmetic, each falling back to the kernel it replaced; `release` puts those back.
import { overlayKernels, type KernelFactory } from '../overlay.ts';
import { convKernels, MIN_ORT_FLOPS } from './conv-kernels.ts';
import { matMulKernels } from './matmul-kernels.ts';
import { MIN_ORT_ELEMENTS, reduceKernels } from './reduce-kernels.ts';
import type { NativeRuntime } from './native-runtime.ts';
import { SessionCache } from './session-cache.ts';

export const ORT_TRAINING_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'Sum', 'Mean'] as const;

export interface OrtKernels {
  readonly sessions: SessionCache;
  /** Registers the kernels that were there before and frees the sessions. */
  release(): void;
}

/**
 * `minFlops`, `minElements`: smaller products and tensors stay on the kernel they replace (tests lower them
 * to exercise tiny shapes).
 */
export function activateOrtKernels(runtime: NativeRuntime, options: { minFlops?: number; minElements?: number } = {}): OrtKernels {
  const minFlops = options.minFlops ?? MIN_ORT_FLOPS;
  const minElements = options.minElements ?? MIN_ORT_ELEMENTS;
  const sessions = new SessionCache(runtime);
  const factories: Record<(typeof ORT_TRAINING_KERNELS)[number], KernelFactory> = {
    ...convKernels(sessions, minFlops),
    ...matMulKernels(sessions, minFlops),
    ...reduceKernels(sessions, minElements),
  };
  const restore = overlayKernels(factories);
  return {
    sessions,
    release() {
      restore();
      sessions.clear();
    },
  };
}


