// Reading the files of a model from disk without trusting what names them: a path taken from a model file
// resolves inside the model's folder (no '..', no absolute path, no symbolic link leading out), and only
// regular files are read — opened non-blocking, so a FIFO or a device is refused instead of hanging — with
// their size known before a byte is read.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { ModelFileError, quoted } from './model-file-error.ts';

/** A regular file, open for reading, and its size at opening. */
export interface RegularFile {
  path: string;
  size: number;
  handle: FileHandle;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` if it is a regular file. `what` names it in errors ("weights file 'x.bin' listed in …").
 * O_NONBLOCK makes opening a FIFO return at once (a blocking open waits for a writer forever); the type
 * is then checked on the open descriptor, so the file checked is the file read.
 */
export async function openRegularFile(path: string, what: string): Promise<RegularFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${what} is missing` : `cannot read ${what}: ${code ?? (err as Error).message}`);
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new ModelFileError(`${what} is ${kindOf(info)}, not a regular file`);
  }
  return { path, size: info.size, handle };
}

/** Reads the whole file (its size at opening) into `target` at `offset`, and closes it. */
export async function readWhole(file: RegularFile, target: Uint8Array, offset: number, what: string): Promise<void> {
  try {
    let done = 0;
    while (done < file.size) {
      const { bytesRead } = await file.handle.read(target, offset + done, file.size - done, done);
      if (bytesRead === 0) throw new ModelFileError(`${what} shrank from ${file.size} to ${done} bytes while it was read`);
      done += bytesRead;
    }
  } finally {
    await file.handle.close();
  }
}

/** The bytes of the regular file `path`, refused unread when larger than `maxBytes` (`why` says why that is enough). */
export async function readRegularFile(path: string, what: string, maxBytes: number, why: string): Promise<Uint8Array> {
  const file = await openRegularFile(path, what);
  if (file.size > maxBytes) {
    await file.handle.close();
    throw new ModelFileError(`${what} is ${file.size.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are read (${why})`);
  }
  const bytes = new Uint8Array(file.size);
  await readWhole(file, bytes, 0, what);
  return bytes;
}

/**
 * The real path of `relativePath` (a path written in a model file) inside `folder`. Refused: absolute paths,
 * URLs, '..' segments, NUL bytes, and paths whose real location (after symbolic links) is outside the folder.
 */
export async function resolveInside(folder: string, relativePath: string, what: string): Promise<string> {
  const segments = relativePath.split(/[\\/]/);
  if (relativePath === '' || relativePath.includes('\0')) throw new ModelFileError(`${what} is not a usable file name`);
  if (isAbsolute(relativePath) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(relativePath) || segments.includes('..')) {
    throw new ModelFileError(`${what} leaves the model's folder: paths in a model file must be relative to it, without '..'`);
  }
  const realFolder = await realpath(folder);
  let real: string;
  try {
    real = await realpath(join(realFolder, relativePath));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${what} is missing` : `cannot read ${what}: ${code ?? (err as Error).message}`);
  }
  if (real === realFolder) throw new ModelFileError(`${what} names the model's folder itself, not a file in it`);
  if (!real.startsWith(realFolder + sep)) {
    throw new ModelFileError(`${what} leads through a symbolic link to ${quoted(real)}, outside the model's folder`);
  }
  return real;
}
