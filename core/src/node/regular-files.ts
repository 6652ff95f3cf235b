// Reading files whose names come from outside — paths written in a model file, a model repository, a request —
// without trusting them. Only regular files are read: a FIFO would block a libuv thread forever and a device
// such as /dev/zero never ends, so files are opened non-blocking (a FIFO's open returns at once instead of
// waiting for a writer) and checked on the opened descriptor, so the file checked is the file read. Sizes are
// checked against a cap before a byte is read.
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';

/** A file that is not read: missing, not a regular file, over its cap, or reached through a link leading out. */
export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
}

export interface OpenedFile {
  path: string;
  handle: FileHandle;
  /** The size fstat gave at opening: what is read. */
  size: number;
  mtimeMs: number;
}

export interface FileLimits {
  /** How the file is named in errors (default: its path), e.g. "weights file 'a.bin' listed in model.json". */
  what?: string;
  maxBytes?: number;
  /** Why the cap is enough, said when it refuses a file. */
  why?: string;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens `path` if it is a regular file within its cap; the caller closes the handle (or reads it whole). */
export async function openRegularFile(path: string, limits: FileLimits = {}): Promise<OpenedFile> {
  const what = limits.what ?? path;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileRefusedError(code === 'ENOENT' ? `${what} is missing` : `cannot read ${what}: ${code ?? (err as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRefusedError(`${what} is ${kindOf(info)}, not a regular file`);
    const maxBytes = limits.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (info.size > maxBytes) {
      throw new FileRefusedError(`${what} is ${info.size.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are read${limits.why ? ` (${limits.why})` : ''}`);
    }
    return { path, handle, size: info.size, mtimeMs: info.mtimeMs };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads the whole opened file (its size at opening) into `target` at `offset`, then closes it. */
export async function readOpenedFile(file: OpenedFile, target: Uint8Array = new Uint8Array(file.size), offset = 0, what = file.path): Promise<Uint8Array> {
  try {
    let done = 0;
    while (done < file.size) {
      const { bytesRead } = await file.handle.read(target, offset + done, file.size - done, done);
      if (bytesRead === 0) throw new FileRefusedError(`${what} shrank from ${file.size} to ${done} bytes while it was read`);
      done += bytesRead;
    }
    return target;
  } finally {
    await file.handle.close();
  }
}

/** The bytes of the regular file `path`, refused unread when it is not one or is over its cap. */
export async function readRegularFile(path: string, limits: FileLimits = {}): Promise<Uint8Array> {
  return readOpenedFile(await openRegularFile(path, limits), undefined, 0, limits.what);
}

/** True when `path` is `root` or lies under it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `path` (links resolved) when it stays inside `root`'s real path; refused when a link leads out. */
export async function realPathInside(root: string, path: string, what = path): Promise<string> {
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
  if (!isInside(realRoot, real)) throw new FileRefusedError(`${what} leads outside ${root} (to ${real}); only files inside it are read`);
  return real;
}
