// A lean keep-alive HTTP/1.1 client connection: sends prepared request bytes and reads each answer with only
// what it needs (status line, Content-Length, body). Two uses: the load generator of `bench serve`, where
// every cycle the client spends on a small host is taken from the server it measures (node:http cost
// ~0.16 ms of CPU per request here), and tests that must put many requests on the wire in the same instant.
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** The bytes of a request with a body; `headers` are added after Host, Content-Type and Content-Length. */
export function requestBytes(url: URL, method: string, path: string, contentType: string, body: Uint8Array, headers: Record<string, string> = {}): Buffer {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n${extra}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export class HttpConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (answer: HttpAnswer) => void; reject: (err: Error) => void };

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.tryAnswer();
    });
    const fail = (err?: Error) => {
      this.waiting?.reject(err ?? new Error('connection closed'));
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  /** A connection to the URL's host and port, once it is established. */
  static open(url: URL): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new HttpConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes the request at once (synchronously) and resolves with its answer. One request at a time. */
  send(request: Uint8Array): Promise<HttpAnswer> {
    if (this.waiting) return Promise.reject(new Error('a request is already waiting for its answer on this connection'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  private tryAnswer(): void {
    const headerEnd = this.buffered.indexOf('\r\n\r\n');
    if (headerEnd < 0 || !this.waiting) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`));
      this.waiting = undefined;
      this.socket.destroy();
      return;
    }
    const end = headerEnd + 4 + Number(length[1]);
    if (this.buffered.length < end) return;
    const answer = { status: Number(head.slice(9, 12)), body: this.buffered.toString('utf8', headerEnd + 4, end) };
    this.buffered = this.buffered.subarray(end);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(answer);
  }

  close(): void {
    this.socket.destroy();
  }
}
