// Messages between the server and its inference worker threads.
import type { EpChoice } from '@onnx-edge/core';
import type { ExecutionProvider } from './session.ts';

export interface WorkerSetup {
  modelPath: string;
  ep: EpChoice;
  intraOpThreads: number;
}

export interface WorkerRequest {
  id: number;
  inputName: string;
  input: Float32Array;
  shape: number[];
}

export type WorkerReply =
  | { type: 'ready'; executionProvider: ExecutionProvider; reason: string; inputNames: string[]; outputNames: string[]; inputShape: number[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, Float32Array>; seconds: number; waitedSeconds: number }
  | { type: 'error'; id: number; message: string };
