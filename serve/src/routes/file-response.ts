// A file as an HTTP answer: opened once (a regular file, checked on its descriptor), sent with its exact
// length as a stream that reads a chunk each time the socket has taken the last one, so a slow client holds
// one chunk of memory, and closed as soon as the answer ends or its client leaves (files.ts). A HEAD answer
// carries the length and opens nothing.
import { stat } from 'node:fs/promises';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { requestSignal } from '../body.ts';
import { openRegularFile } from '@onnx-edge/core/node';
import { fileStream } from '../files.ts';

export async function fileResponse(c: Context<AppEnv>, path: string, contentType: string): Promise<Response> {
  c.header('Content-Type', contentType);
  if (c.req.method === 'HEAD') {
    c.header('Content-Length', String((await stat(path)).size));
    return c.body(null, 200);
  }
  const file = await openRegularFile(path);
  c.header('Content-Length', String(file.size));
  return c.body(fileStream(file, requestSignal(c)));
}
