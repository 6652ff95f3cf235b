// The server's one error type. Every failure a client can cause or observe becomes an HttpError, and one
// app.onError turns it into JSON: {"error":{"code","message"}}, or {"error":"message"} on the /v2 routes
// where the Open Inference Protocol fixes the shape. Anything else is a bug: logged, answered as a bare 500.

export type ErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'misdirected_request'
  | 'unprocessable'
  | 'overloaded'
  | 'client_closed_request'
  | 'unavailable'
  | 'internal';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: 400 | 404 | 413 | 415 | 421 | 422 | 429 | 499 | 500 | 503,
    readonly code: ErrorCode,
    message: string,
    /** Seconds a client should wait before retrying (429/503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const payloadTooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) => new HttpError(415, 'unsupported_media_type', message);
export const misdirected = (message: string) => new HttpError(421, 'misdirected_request', message);
export const unprocessable = (message: string) => new HttpError(422, 'unprocessable', message);
export const overloaded = (message: string, retryAfterSeconds = 1) => new HttpError(429, 'overloaded', message, retryAfterSeconds);
/** The client went away before its answer was ready (nginx's 499): the work for it stops, and only the log sees this. */
export const clientClosed = () => new HttpError(499, 'client_closed_request', 'the client closed the connection before the answer was ready');
export const unavailable = (message: string, retryAfterSeconds = 1) => new HttpError(503, 'unavailable', message, retryAfterSeconds);
