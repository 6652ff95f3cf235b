// Messages between the server and its v2 body parse worker.
import type { InferError, InferRequest, InferSpec } from './infer-request.ts';

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  spec: InferSpec;
}

export type ParseReply = { id: number; request: InferRequest } | { id: number; error: InferError };
