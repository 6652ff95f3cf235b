// onnxruntime-node sessions with execution-provider selection. `auto` tries CUDA when its provider library
// is installed beside the binding and falls back to CPU, keeping the reason so the server can log and
// report it. onnxruntime-node is installed here with the CUDA download skipped; a CUDA host reinstalls it
// with ONNXRUNTIME_NODE_INSTALL=cuda12 (see the serve README).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EpChoice } from '@onnx-edge/core';
import * as ort from 'onnxruntime-node';

export type ExecutionProvider = 'cuda' | 'cpu';

export interface LoadedSession {
  session: ort.InferenceSession;
  executionProvider: ExecutionProvider;
  /** Why this provider runs (e.g. why CUDA was not used). */
  reason: string;
}

export interface SessionSettings {
  ep: EpChoice;
  /** onnxruntime intra-op threads; 0 lets onnxruntime choose (one per core). */
  intraOpThreads: number;
  /** Let idle intra-op threads spin (onnxruntime's default, best for a process that only runs models). */
  allowSpinning?: boolean;
}

/** Where onnxruntime-node keeps its native libraries, e.g. .../bin/napi-v6/linux/x64. */
function bindingDirs(): string[] {
  const binRoot = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin');
  if (!existsSync(binRoot)) return [];
  return readdirSync(binRoot).map((napi) => join(binRoot, napi, process.platform, process.arch)).filter(existsSync);
}

export function cudaLibraryInstalled(): boolean {
  return bindingDirs().some((dir) => existsSync(join(dir, 'libonnxruntime_providers_cuda.so')));
}

function sessionOptions(settings: SessionSettings, ep: ExecutionProvider): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // onnxruntime logs to stderr behind the JSON logs' back; only errors are worth that.
    logSeverityLevel: 3,
    // Idle intra-op threads sleep instead of spinning: the server shares the cores with HTTP and decoding,
    // and a spinning pool starves them between batches.
    extra: { session: { intra_op: { allow_spinning: settings.allowSpinning === false ? '0' : '1' } } },
    ...(settings.intraOpThreads > 0 ? { intraOpNumThreads: settings.intraOpThreads } : {}),
  };
}

export async function createSession(modelPath: string, settings: SessionSettings): Promise<LoadedSession> {
  if (settings.ep === 'cpu') {
    return { session: await ort.InferenceSession.create(modelPath, sessionOptions(settings, 'cpu')), executionProvider: 'cpu', reason: 'CPU requested (--ep cpu)' };
  }
  if (settings.ep === 'auto' && !cudaLibraryInstalled()) {
    const session = await ort.InferenceSession.create(modelPath, sessionOptions(settings, 'cpu'));
    return { session, executionProvider: 'cpu', reason: 'CUDA provider library is not installed with onnxruntime-node (on a CUDA 12 host: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node); using CPU' };
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, sessionOptions(settings, 'cuda'));
    return { session, executionProvider: 'cuda', reason: settings.ep === 'cuda' ? 'CUDA requested (--ep cuda)' : 'CUDA provider loaded' };
  } catch (err) {
    if (settings.ep === 'cuda') throw new Error(`CUDA execution provider could not be loaded (${(err as Error).message}); use --ep auto or --ep cpu`);
    const session = await ort.InferenceSession.create(modelPath, sessionOptions(settings, 'cpu'));
    return { session, executionProvider: 'cpu', reason: `CUDA provider failed to load (${(err as Error).message}); using CPU` };
  }
}

/** One run of a batch: flat float32 input [batch, ...dims] -> every output as a flat float32 array. */
export async function runBatch(session: ort.InferenceSession, inputName: string, input: Float32Array, shape: readonly number[]): Promise<Record<string, Float32Array>> {
  const results = await session.run({ [inputName]: new ort.Tensor('float32', input, shape) });
  const outputs: Record<string, Float32Array> = {};
  for (const [name, tensor] of Object.entries(results)) {
    if (tensor.type !== 'float32') throw new Error(`output '${name}' is ${tensor.type}; only float32 outputs are served`);
    outputs[name] = tensor.data as Float32Array;
  }
  return outputs;
}
