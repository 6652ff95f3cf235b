// Which kernels carry a training step on the wasm backend. Both choices put the project's JavaScript
// Identity and same-dtype Cast (buffer sharing) and SplitV (block copies) over tfjs-backend-wasm's; 'ort' adds onnxruntime-node
// for the convolutions, matrix products, max-pool gradient, reductions, splits and concatenations of large
// tensors (ort/), 'wasm' leaves those on XNNPACK and the project's wasm gradient kernels; 'auto' takes onnxruntime when it
// starts and says in one line why not otherwise. Other backends compute their own kernels. The selection
// lasts until `release`: inference elsewhere keeps tfjs' own kernels.
import { availableParallelism } from 'node:os';
import type { KernelChoice } from '@onnx-edge/core';
import { sharedCast, sharedIdentity } from './shared-buffers.ts';
import { overlayKernels } from './overlay.ts';
import { activateOrtKernels, ORT_TRAINING_KERNELS } from './ort/activate.ts';
import { startNativeRuntime, type RuntimeStart } from './ort/native-runtime.ts';
import { blockSplitV } from './split-v.ts';

export interface KernelSelection {
  /** 'ort', 'wasm', or the backend's name when it computes every kernel itself. */
  readonly name: string;
  /** One line: what computes the heavy kernels. */
  readonly reason: string;
  /** Puts the backend's own kernels back. */
  release(): void;
}

export interface KernelOptions {
  /** Training threads that share the cores (data-parallel replicas): onnxruntime gets cores ÷ replicas each. */
  replicas?: number;
  /** Starts onnxruntime (default startNativeRuntime; tests pass one that fails). */
  startRuntime?: (threads: number) => RuntimeStart;
}

/** The JavaScript kernels both choices train with. */
const JS_TRAINING_KERNELS = { Identity: sharedIdentity, Cast: sharedCast, SplitV: blockSplitV };

export function selectTrainingKernels(choice: KernelChoice, backend: string, log: (line: string) => void, options: KernelOptions = {}): KernelSelection {
  if (backend !== 'wasm') {
    if (choice === 'ort') throw new Error(`--kernels ort applies to the wasm backend only; the ${backend} backend computes its own kernels (use --kernels auto)`);
    return { name: backend, reason: `the ${backend} backend's own kernels`, release: () => {} };
  }
  const wasmReason = 'XNNPACK and the project\'s wasm kernels, one thread';
  if (choice === 'wasm') {
    log(`kernels: wasm — ${wasmReason} (--kernels wasm)`);
    return { name: 'wasm', reason: wasmReason, release: overlayKernels(JS_TRAINING_KERNELS) };
  }
  const threads = Math.max(1, Math.floor(availableParallelism() / (options.replicas ?? 1)));
  const started = (options.startRuntime ?? startNativeRuntime)(threads);
  if (!started.ok) {
    if (choice === 'ort') throw new Error(`--kernels ort cannot start: ${started.why} (--kernels wasm trains without it)`);
    log(`kernels: wasm — onnxruntime kernels could not start: ${started.why}`);
    return { name: 'wasm', reason: wasmReason, release: overlayKernels(JS_TRAINING_KERNELS) };
  }
  const restoreJs = overlayKernels(JS_TRAINING_KERNELS);
  const ort = activateOrtKernels(started.runtime);
  const reason = `onnxruntime-node (${threads} thread${threads === 1 ? '' : 's'}) for the convolutions, matrix products and large reductions; the rest on wasm`;
  log(`kernels: ort — ${reason} (${ORT_TRAINING_KERNELS.join(', ')})`);
  return {
    name: 'ort',
    reason,
    release: () => {
      ort.release();
      restoreJs();
    },
  };
}
