// What the HTTP layers refuse before a request reaches the app — malformed HTTP, a request line and
// headers over node's header limit, a client that stalls past the request timeout (node), a request target
// or Host header that is no URL (@hono/node-server) — answered in the server's JSON error shape instead of
// a bare status line, then the connection is closed. So is an Expect header Node cannot meet (417).
import { STATUS_CODES, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './logging.ts';

/** Node's timeouts for receiving a request: the whole request, and its headers, within `requestTimeoutMs`. */
export function httpServerOptions(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    // Node looks for expired requests on this interval (30 s by default), which would stretch a short timeout.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
    // Node's own answer to an HTTP/1.1 request without Host is a bare 400; the app answers it in JSON (hosts.ts).
    requireHostHeader: false,
  };
}

interface ClientErrorAnswer {
  status: 400 | 408 | 413 | 431;
  code: string;
  message: string;
}

function answerFor(errorCode: string | undefined, requestTimeoutMs: number): ClientErrorAnswer | undefined {
  switch (errorCode) {
    case 'ECONNRESET':
      return undefined; // the client is gone: nobody to answer
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: `the request was not received completely within ${requestTimeoutMs} ms` };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'the request line and headers are larger than the server accepts (16 KiB); shorten the URL or the headers' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'the chunk extensions are larger than the server accepts' };
    default:
      return { status: 400, code: 'bad_request', message: 'the request is not valid HTTP/1.1' };
  }
}

const jsonHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' };

/**
 * @hono/node-server's errorHandler: the answer when it cannot build a Request from what node parsed — a
 * backslash in the path, a Host header that is not a host, an absolute target that is not a URL (its
 * RequestError) — and, should the app itself ever throw past its onError, a logged 500.
 */
export function answerRequestError(logger: Logger): (err: unknown) => Response {
  return function requestErrorAnswer(err) {
    if (err instanceof Error && err.name === 'RequestError') {
      const message = `the request target or Host header is not valid (${err.message.toLowerCase()}): send an absolute path without backslashes and a Host of the form name[:port]`;
      return new Response(JSON.stringify({ error: { code: 'bad_request', message } }), { status: 400, headers: jsonHeaders });
    }
    logger.error({ err }, 'unhandled error outside the app');
    return new Response(JSON.stringify({ error: { code: 'internal', message: 'internal error; the server log has the details' } }), { status: 500, headers: jsonHeaders });
  };
}

/** Node answers an Expect header other than 100-continue with a bare 417; this answer says what is supported. */
export function answerUnmetExpectations(server: Server): void {
  server.on('checkExpectation', function answerUnmetExpectation(_request: IncomingMessage, response: ServerResponse) {
    const body = JSON.stringify({ error: { code: 'expectation_failed', message: "the Expect header is not supported; only 'Expect: 100-continue' is" } });
    response.writeHead(417, { ...jsonHeaders, 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  });
}

/** Installs the JSON answer for requests node's parser refuses or times out. */
export function answerClientErrors(server: Server, requestTimeoutMs: number): void {
  server.on('clientError', function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
    const answer = answerFor(err.code, requestTimeoutMs);
    // A response already under way cannot be replaced by another one: only closing is left.
    const responseStarted = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!answer || !socket.writable || responseStarted) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
    socket.end(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
