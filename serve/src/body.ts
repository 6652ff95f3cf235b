// The bytes of a request body, at most `maxBytes` of them (413 beyond: at once by Content-Length, else as
// soon as the streamed body passes the limit). Under @hono/node-server they are read
// straight from Node's IncomingMessage: reading them through the WHATWG Request that Hono would otherwise
// build (undici Request + ReadableStream + AbortSignal per request) cost more main-thread CPU than routing,
// metrics and the JSON answer together (bench/NOTES.md, server finding 2). Elsewhere (app.request() in unit
// tests, other runtimes) the Request is read as usual.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { clientSignal } from './connection.ts';
import { badRequest, payloadTooLarge } from './errors.ts';

const tooLarge = (maxBytes: number) => payloadTooLarge(`the request body exceeds ${maxBytes} bytes`);

/** Node's IncomingMessage under @hono/node-server; undefined under app.request() and other runtimes. */
export function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming && typeof (incoming as IncomingMessage).on === 'function' ? (incoming as IncomingMessage) : undefined;
}

/**
 * Aborted when the client goes away before its answer is sent (connection.ts); under app.request(), the
 * Request's own signal.
 */
export function requestSignal(c: Context): AbortSignal {
  const incoming = nodeIncoming(c);
  return (incoming && clientSignal(incoming)) ?? c.req.raw.signal;
}

export async function readBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const incoming = nodeIncoming(c);
  return incoming && !incoming.readableDidRead ? readIncoming(incoming, maxBytes) : readWebBody(c.req.raw, maxBytes);
}

async function readWebBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    length += next.value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks, length);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) {
        // Stop buffering; the rest of the body is left unread and Node closes the connection after the 413.
        cleanup();
        incoming.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    };
    // 'close' before 'end': the client went away mid-body (its answer will not reach it anyway).
    const onError = () => {
      cleanup();
      reject(badRequest('the request body could not be read (the client aborted or sent a malformed body)'));
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onError);
  });
}
