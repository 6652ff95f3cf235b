// Files the server reads: its model repository at start-up, and the files it sends (model.onnx, the web
// demo). Only regular files are read — a FIFO would block a libuv thread forever, a device such as
// /dev/zero never ends — and they are opened non-blocking and checked on the opened descriptor (fstat), so
// what is checked is what is read. Sizes are checked against a cap before a byte is read, and a file is
// sent as a stream pulled chunk by chunk as the client takes it, never read whole per request.
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';

export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
}

export interface OpenedFile {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` if it is a regular file of at most `maxBytes`; the caller closes the handle. O_NONBLOCK makes
 * opening a FIFO return at once (it would otherwise wait for a writer), and the fstat then refuses it.
 */
export async function openRegularFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<OpenedFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRefusedError(`${path} is ${kindOf(info)}; only regular files are read`);
    if (info.size > maxBytes) throw new FileRefusedError(`${path} is ${info.size} bytes, more than the ${maxBytes} accepted for it`);
    return { handle, size: info.size, mtimeMs: info.mtimeMs };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The bytes of a regular file of at most `maxBytes` (the size fstat gave when it was opened). */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path, maxBytes);
  try {
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** True when `path` is `root` or lies under it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The real path of `path` (symbolic links resolved) when it stays inside `root`'s real path; a
 * FileRefusedError naming both when a link leads out of it.
 */
export async function realPathInside(root: string, path: string): Promise<string> {
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
  if (!isInside(realRoot, real)) throw new FileRefusedError(`${path} leads outside ${root} (to ${real}); only files inside it are read`);
  return real;
}

/** Bytes per read of a streamed file: what the socket takes in one write, then the next is read. */
const STREAM_CHUNK_BYTES = 64 * 1024;

/**
 * The opened file as a stream that reads one chunk each time its consumer asks for one (highWaterMark 0):
 * a client that reads slowly holds one chunk of the server's memory, not the file. The handle is closed
 * when the stream ends, is cancelled (the response was abandoned) or `signal` aborts (the client left; an
 * answer queued behind another on a connection that closed is never cancelled otherwise). A stream whose
 * client left ends quietly: there is nobody to tell, and its response is never completed anyway.
 */
export function fileStream(file: OpenedFile, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let position = 0;
  let done = false;
  let reading: Promise<unknown> | undefined;
  const finish = async () => {
    if (done) return;
    done = true;
    // A read in flight finishes first (pull reports its outcome); then the descriptor is closed.
    await reading?.then(() => undefined, () => undefined);
    await file.handle.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Nobody waits for this stream any more; should closing fail, the stream carries the error.
        signal?.addEventListener('abort', () => finish().catch((err: Error) => controller.error(err)), { once: true });
      },
      async pull(controller) {
        const length = Math.min(STREAM_CHUNK_BYTES, file.size - position);
        if (done || length <= 0) {
          await finish();
          controller.close();
          return;
        }
        const chunk = Buffer.allocUnsafe(length);
        const read = file.handle.read(chunk, 0, length, position);
        reading = read;
        const { bytesRead } = await read;
        reading = undefined;
        if (done) {
          controller.close();
          return;
        }
        if (bytesRead === 0) {
          await finish();
          controller.error(new Error(`the file shrank to ${position} bytes while it was being sent`));
          return;
        }
        position += bytesRead;
        controller.enqueue(chunk.subarray(0, bytesRead));
      },
      cancel: finish,
    },
    { highWaterMark: 0 },
  );
}
