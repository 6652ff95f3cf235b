// The thread that parses v2 inference bodies (infer-request.ts), so that a 16 MiB JSON body — half a second
// of JSON.parse — never holds the server's event loop. One request at a time, in arrival order.
import { parentPort } from 'node:worker_threads';
import { HttpError } from '../errors.ts';
import { parseInferRequest } from './infer-request.ts';
import type { ParseReply, ParseRequest } from './parse-protocol.ts';

const port = parentPort!;

port.on('message', ({ id, bytes, spec }: ParseRequest) => {
  let reply: ParseReply;
  try {
    const request = parseInferRequest(bytes, spec);
    reply = { id, request };
    port.postMessage(reply, [...new Set(request.inputs.map((t) => t.data.buffer as ArrayBuffer))]);
    return;
  } catch (err) {
    reply = err instanceof HttpError
      ? { id, error: { status: err.status, code: err.code, message: err.message } }
      : { id, error: { status: 500, code: 'internal', message: `the inference body parser failed: ${(err as Error).message}` } };
  }
  port.postMessage(reply);
});
