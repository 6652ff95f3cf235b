// Messages between the server and its inference worker threads.
import type { EpChoice } from '@onnx-edge/core';
import type { NamedTensor, Tensor } from '../tensors/index.ts';
import type { ExecutionProvider } from './session.ts';

export interface WorkerSetup {
  modelPath: string;
  ep: EpChoice;
  intraOpThreads: number;
}

/** An input or output as the model declares it: element type, and shape with -1 for symbolic dimensions. */
export interface TensorInfo {
  name: string;
  /** onnxruntime's element type ('float32', 'int64', …), or 'not a tensor'. */
  type: string;
  shape: number[];
}

export interface WorkerRequest {
  id: number;
  inputs: NamedTensor[];
}

export type WorkerReply =
  | { type: 'ready'; executionProvider: ExecutionProvider; reason: string; inputs: TensorInfo[]; outputs: TensorInfo[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, Tensor>; seconds: number; waitedSeconds: number }
  | { type: 'error'; id: number; message: string };
