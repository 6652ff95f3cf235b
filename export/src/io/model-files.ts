// Reading the files of a model from disk without trusting what names them: a path taken from a model file
// resolves inside the model's folder (no '..', no absolute path, no symbolic link leading out), and only
// regular files are read — opened non-blocking, so a FIFO or a device is refused instead of hanging — with
// their size known before a byte is read.
import { realpath } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  FileRefusedError, isInside, openRegularFile as openChecked, readOpenedFile, readRegularFile as readChecked, type OpenedFile,
} from '@onnx-edge/core/node';
import { ModelFileError, quoted } from './model-file-error.ts';

/** A regular file, open for reading, and its size at opening. */
export type RegularFile = OpenedFile;

/** The shared file checks, their refusals as the one error type of model files. */
async function asModelFileError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof FileRefusedError) throw new ModelFileError(err.message);
    throw err;
  }
}

/** Opens `path` if it is a regular file. `what` names it in errors ("weights file 'x.bin' listed in …"). */
export function openRegularFile(path: string, what: string): Promise<RegularFile> {
  return asModelFileError(openChecked(path, { what }));
}

/** Reads the whole file (its size at opening) into `target` at `offset`, and closes it. */
export async function readWhole(file: RegularFile, target: Uint8Array, offset: number, what: string): Promise<void> {
  await asModelFileError(readOpenedFile(file, target, offset, what));
}

/** The bytes of the regular file `path`, refused unread when larger than `maxBytes` (`why` says why that is enough). */
export function readRegularFile(path: string, what: string, maxBytes: number, why: string): Promise<Uint8Array> {
  return asModelFileError(readChecked(path, { what, maxBytes, why }));
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
  if (!isInside(realFolder, real)) {
    throw new ModelFileError(`${what} leads through a symbolic link to ${quoted(real)}, outside the model's folder`);
  }
  return real;
}
