// A client that puts many requests on one connection at once (HTTP/1.1 pipelining) and reads the answers at
// the pace a test chooses: not at all, slowly, or as fast as it can. Answers are counted as they stream in
// (status, length, the first body's hash), never kept, so that the client's own memory stays flat however
// much the server sends.
import { createHash, type Hash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export type ReadPace = 'none' | 'slow' | 'full';

/** Bytes a slow reader takes per tick (every SLOW_TICK_MS): ~160 KB/s. */
const SLOW_BYTES = 16 * 1024;
const SLOW_TICK_MS = 100;

export interface AnswerCount {
  /** Answers received completely, by status. */
  statuses: Record<string, number>;
  completed: number;
  bodyBytes: number;
  /** sha256 (hex) of the first complete body. */
  firstBodySha256?: string;
  /** Content-Length of every complete answer that differed from `expectedLength`, if given. */
  wrongLengths: number[];
  /** An answer that could not be parsed (no Content-Length, not HTTP). */
  malformed?: string;
}

export interface RawClientOptions {
  /** Answers of another length are counted in wrongLengths. */
  expectedLength?: number;
  /** Keep every answer's body (for small answers; see answers()). */
  keepBodies?: boolean;
}

export class RawClient {
  readonly count: AnswerCount = { statuses: {}, completed: 0, bodyBytes: 0, wrongLengths: [] };
  closedByServer = false;
  private head: Buffer = Buffer.alloc(0);
  private bodyLeft = -1;
  private hash?: Hash;
  private slowTimer?: NodeJS.Timeout;
  private readonly kept: { status: number; chunks: Buffer[] }[] = [];
  private onAnswer?: () => void;

  private constructor(private readonly socket: Socket, private readonly options: RawClientOptions) {
    socket.on('data', (chunk: Buffer) => this.consume(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => clearInterval(this.slowTimer));
    socket.on('end', () => (this.closedByServer = true));
  }

  /** Opens a connection, writes `requests` in one write, and reads at `pace`. */
  static open(url: string, requests: string | Buffer, pace: ReadPace, options: RawClientOptions = {}): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new RawClient(socket, options);
        client.pace(pace);
        socket.write(requests);
        resolve(client);
      });
    });
  }

  pace(pace: ReadPace): void {
    clearInterval(this.slowTimer);
    if (pace === 'full') {
      this.socket.resume();
      return;
    }
    this.socket.pause();
    if (pace === 'slow') this.slowTimer = setInterval(() => this.socket.read(Math.min(SLOW_BYTES, this.socket.readableLength) || undefined), SLOW_TICK_MS);
  }

  /** The first `count` answers (status and body as text), once they have all arrived (keepBodies). */
  answers(count: number, timeoutMs: number): Promise<{ status: number; body: string }[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.count.completed} of ${count} answers within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (this.count.completed < count) return;
        clearTimeout(timer);
        resolve(this.kept.slice(0, count).map((a) => ({ status: a.status, body: Buffer.concat(a.chunks).toString('utf8') })));
      };
      this.onAnswer = check;
      check();
    });
  }

  close(): void {
    clearInterval(this.slowTimer);
    this.socket.destroy();
  }

  private consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.count.malformed) {
      if (this.bodyLeft < 0) {
        const before = this.head.length;
        const piece = chunk.subarray(at, at + 16 * 1024);
        this.head = before > 0 ? Buffer.concat([this.head, piece]) : piece;
        const end = this.head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.head.length >= 16 * 1024) this.count.malformed = 'an answer head over 16 KiB';
          this.head = Buffer.from(this.head);
          at += piece.length;
          continue;
        }
        // The head ends inside this piece: what follows it is body (or the next answer).
        at += end + 4 - before;
        const text = this.head.toString('latin1', 0, end);
        this.head = Buffer.alloc(0);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
        const length = /\r\ncontent-length: *(\d+)/i.exec(text)?.[1];
        if (!status || length === undefined) {
          this.count.malformed = text.split('\r\n')[0] ?? '(empty)';
          return;
        }
        this.count.statuses[status] = (this.count.statuses[status] ?? 0) + 1;
        this.bodyLeft = Number(length);
        if (this.options.expectedLength !== undefined && status === '200' && this.bodyLeft !== this.options.expectedLength) this.count.wrongLengths.push(this.bodyLeft);
        if (this.options.keepBodies) this.kept.push({ status: Number(status), chunks: [] });
        if (this.count.completed === 0) this.hash = createHash('sha256');
      }
      const take = Math.min(this.bodyLeft, chunk.length - at);
      this.hash?.update(chunk.subarray(at, at + take));
      if (this.options.keepBodies) this.kept.at(-1)!.chunks.push(chunk.subarray(at, at + take));
      this.count.bodyBytes += take;
      this.bodyLeft -= take;
      at += take;
      if (this.bodyLeft === 0) {
        if (this.hash) this.count.firstBodySha256 = this.hash.digest('hex');
        this.hash = undefined;
        this.count.completed++;
        this.bodyLeft = -1;
        this.onAnswer?.();
      }
    }
  }
}

/** `count` GET requests for `path`, back to back, as one buffer. */
export function pipelinedGets(url: string, path: string, count: number, method = 'GET'): Buffer {
  return Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n\r\n`.repeat(count), 'latin1');
}
