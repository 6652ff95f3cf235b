// tfjs on its best backend for inference here: tfjs-node (libtensorflow, all cores) where it is installed,
// else WebAssembly (XNNPACK with SIMD). WebGPU is left out on purpose: without a GPU it runs on a software
// adapter, slower than wasm. The CPU backend is plain JavaScript and not a fair peer.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@onnx-edge/train';

export interface TfjsBackendInfo {
  name: string;
  reason: string;
  /** Why better backends were not used. */
  skipped: string[];
}

export async function useBestTfjsBackend(): Promise<TfjsBackendInfo> {
  const skipped: string[] = [];
  for (const choice of ['tensorflow', 'wasm'] as const) {
    try {
      const selection = await selectBackend(choice, () => {});
      return { name: tf.getBackend(), reason: selection.reason, skipped };
    } catch (err) {
      skipped.push(`${choice}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend for the inference peer: ${skipped.join('; ')}`);
}
