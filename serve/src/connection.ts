// Per-connection discipline, below Hono. HTTP/1.1 lets a client send requests back to back without waiting
// for the answers (pipelining), and Node hands every request it parses to the application at once: 6,000
// tiny GETs in one packet became 6,000 handlers each holding a copy of a file. Here at most
// MAX_ACTIVE_REQUESTS_PER_CONNECTION requests of one connection are in progress; the next ones wait, in
// order, with the connection's reading paused, and start as earlier answers finish. The answers go out in
// request order anyway (Node queues them), so a well-behaved pipelining client loses nothing.
// Each request also gets an AbortSignal that fires when its client goes away before the answer is complete,
// so that work done for nobody (decoding, streaming a file) stops.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const MAX_ACTIVE_REQUESTS_PER_CONNECTION = 8;

interface Connection {
  active: Set<AbortController>;
  waiting: [IncomingMessage, ServerResponse][];
}

const signals = new WeakMap<IncomingMessage, AbortSignal>();

/** The signal of a request dispatched by limitPipelining: aborted when its client leaves before the answer is sent. */
export function clientSignal(request: IncomingMessage): AbortSignal | undefined {
  return signals.get(request);
}

export function limitPipelining(listener: RequestListener, maxActive = MAX_ACTIVE_REQUESTS_PER_CONNECTION): RequestListener {
  const connections = new WeakMap<Socket, Connection>();

  const connectionOf = (socket: Socket): Connection => {
    let connection = connections.get(socket);
    if (!connection) {
      const created: Connection = { active: new Set(), waiting: [] };
      // Node aborts every request still queued on a connection that closes with an error of its own, whose
      // stack it formats at once (~100 µs each with source maps on, as under tsx): a client that pipelined a
      // packet of 1,000 requests and left stalled the event loop ~130 ms. Those errors are never shown to
      // anyone, so while Node runs through them (synchronously, in its own 'close' listener) they carry no
      // stack frames.
      socket.prependOnceListener('close', () => {
        if (created.waiting.length === 0) return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        process.nextTick(() => (Error.stackTraceLimit = limit));
      });
      // Answers still queued behind the one being sent never see a 'close' of their own: abort them here.
      socket.once('close', () => {
        created.waiting.length = 0;
        for (const controller of created.active) controller.abort(new Error('the client closed the connection'));
      });
      connections.set(socket, created);
      connection = created;
    }
    return connection;
  };

  const dispatch = (connection: Connection, socket: Socket, request: IncomingMessage, response: ServerResponse) => {
    const controller = new AbortController();
    connection.active.add(controller);
    signals.set(request, controller.signal);
    response.once('close', () => {
      if (!response.writableFinished) controller.abort(new Error('the client closed the connection'));
      connection.active.delete(controller);
      startWaiting(connection, socket);
    });
    listener(request, response);
  };

  const startWaiting = (connection: Connection, socket: Socket) => {
    while (connection.active.size < maxActive && connection.waiting.length > 0) {
      const [request, response] = connection.waiting.shift()!;
      dispatch(connection, socket, request, response);
    }
    if (connection.waiting.length === 0 && socket.isPaused() && !socket.destroyed) socket.resume();
  };

  return function limitedRequest(request, response) {
    const socket = request.socket;
    const connection = connectionOf(socket);
    if (connection.active.size < maxActive && connection.waiting.length === 0) {
      dispatch(connection, socket, request, response);
      return;
    }
    // Requests already parsed from the same packet still arrive; pausing stops the parsing of more.
    connection.waiting.push([request, response]);
    socket.pause();
  };
}
