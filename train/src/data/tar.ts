// Streaming access to a .tar.gz (the official cifar-10-binary.tar.gz) with tar-stream and node:zlib.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { CifarFormatError } from './format.ts';

export interface TarFile {
  /** Path inside the archive, e.g. 'cifar-10-batches-bin/data_batch_1.bin'. */
  path: string;
  size: number;
  stream: AsyncIterable<Uint8Array>;
}

/** A damaged or unreadable archive. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * Calls `onFile` for each regular file of the archive, in archive order. The callback must consume the
 * stream (or return early to skip the rest of it); returning 'stop' ends the walk without reading further.
 */
export async function forEachTarFile(archive: string, onFile: (file: TarFile) => Promise<void | 'stop'>): Promise<void> {
  const extract = tarStream.extract();
  const source = pipeline(createReadStream(archive), createGunzip(), extract);
  // Errors of the source surface through the iteration below; this handler keeps one from going unobserved.
  source.catch(() => {});
  try {
    for await (const entry of extract) {
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        const verdict = await onFile({ path: entry.header.name, size: entry.header.size, stream: entry as AsyncIterable<Uint8Array> });
        if (verdict === 'stop') {
          extract.destroy();
          return;
        }
      }
      entry.resume();
    }
    await source;
  } catch (err) {
    if (err instanceof ArchiveError || err instanceof CifarFormatError) throw err;
    throw new ArchiveError(`${archive}: not a readable .tar.gz archive (${(err as Error).message})`);
  }
}
