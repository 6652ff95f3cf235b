// The CIFAR-10 downloader: fetches the official cifar-10-binary.tar.gz into a .part file (resuming an
// interrupted transfer with an HTTP Range request), verifies its md5, then extracts it into a temporary
// folder that is renamed into place only once every record file has been read back, so a failed or
// corrupt download never leaves a half-extracted dataset behind.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { CifarFormatError, classCounts } from './format.ts';
import { loadCifar, OFFICIAL_FOLDER } from './reader.ts';
import { ArchiveError, forEachTarFile } from './tar.ts';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** The md5 published on https://www.cs.toronto.edu/~kriz/cifar.html for the binary version. */
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const ARCHIVE_NAME = 'cifar-10-binary.tar.gz';

/** $XDG_CACHE_HOME/onnx-edge/cifar10, or ~/.cache/onnx-edge/cifar10. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'onnx-edge', 'cifar10');
}

export interface DownloadProgress {
  /** Bytes of the archive on disk so far (resumed bytes included). */
  received: number;
  /** Size of the whole archive, when the server says. */
  total: number | null;
}

export interface DownloadOptions {
  /** Where the archive and the extracted folder go (default defaultDataDir()). */
  dir?: string;
  /** Default: $CIFAR10_URL, else the official URL. */
  url?: string;
  /** Default: the official md5. A mirror of a repacked archive needs its own. */
  expectedMd5?: string;
  /** How many times an interrupted transfer is resumed before giving up (default 3). */
  retries?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /** One line per step ('resuming at …', 'verifying …'). */
  log?: (line: string) => void;
}

export interface DownloadResult {
  /** The folder of record files, ready for loadCifar. */
  dataDir: string;
  archive: string;
  /** false when the extracted folder was already there. */
  downloaded: boolean;
  records: number;
}

/** The download could not be completed or verified; the message says what to do. */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

export async function downloadCifar(options: DownloadOptions = {}): Promise<DownloadResult> {
  const dir = options.dir ?? defaultDataDir();
  const url = options.url ?? (process.env.CIFAR10_URL || CIFAR10_URL);
  const expectedMd5 = (options.expectedMd5 ?? CIFAR10_MD5).toLowerCase();
  const log = options.log ?? (() => {});
  const dataDir = join(dir, OFFICIAL_FOLDER);
  const archive = join(dir, ARCHIVE_NAME);

  if (await exists(dataDir)) {
    log(`${dataDir} already holds the extracted dataset; nothing to download`);
    return { dataDir, archive, downloaded: false, records: (await loadCifar(dataDir)).count };
  }
  await mkdir(dir, { recursive: true });
  if (await exists(archive)) {
    log(`found ${archive}; verifying it`);
    if ((await md5File(archive)) !== expectedMd5) {
      log(`${archive} does not match md5 ${expectedMd5}; downloading it again`);
      await rm(archive);
    }
  }
  if (!(await exists(archive))) {
    const part = `${archive}.part`;
    await fetchResumable(url, part, options.retries ?? 3, options.onProgress, log);
    log(`verifying md5 of ${part}`);
    const actual = await md5File(part);
    if (actual !== expectedMd5) {
      await rm(part, { force: true });
      throw new DownloadError(`the archive from ${url} is corrupt or not the official one: md5 ${actual}, expected ${expectedMd5}; it was deleted, run the download again`);
    }
    await rename(part, archive);
  }
  log(`extracting ${archive}`);
  const records = await extractAtomically(archive, dir, dataDir);
  return { dataDir, archive, downloaded: true, records };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** 'bytes 100-199/200' → { start: 100, total: 200 }; 'bytes *\/200' → { start: null, total: 200 }. */
function parseContentRange(header: string | null): { start: number | null; total: number | null } {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header ?? '');
  if (!match) return { start: null, total: null };
  return { start: match[1] === undefined ? null : Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) };
}

/** Downloads `url` into `part`, continuing from what `part` already holds; retries after a lost connection. */
async function fetchResumable(url: string, part: string, retries: number, onProgress: DownloadOptions['onProgress'], log: (line: string) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const have = (await stat(part).catch(() => null))?.size ?? 0;
    if (have > 0) log(`resuming ${url} at byte ${have}`);
    else log(`downloading ${url}`);
    let response: Response;
    try {
      // identity: a server that adds Content-Encoding: gzip would otherwise have fetch unpack the .tar.gz itself.
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
      if (have > 0) headers.Range = `bytes=${have}-`;
      response = await fetch(url, { headers });
    } catch (err) {
      if (attempt < retries) {
        await sleep(500 * (attempt + 1));
        continue;
      }
      throw new DownloadError(`cannot reach ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}; check the URL (--url or CIFAR10_URL) and the network`);
    }
    const range = parseContentRange(response.headers.get('content-range'));
    if (response.status === 416 && range.total === have) return; // the .part file is already complete
    if (response.status === 416 && attempt < retries) {
      await rm(part, { force: true }); // the server's file is shorter than ours: start over
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      throw new DownloadError(`${url} answered HTTP ${response.status} ${response.statusText}; check the URL (--url or CIFAR10_URL)`);
    }
    const resumed = response.status === 206 && range.start === have;
    const start = resumed ? have : 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = range.total ?? (Number.isFinite(length) ? start + length : null);
    try {
      await writeBody(response, part, start, total, onProgress);
      return;
    } catch (err) {
      if (attempt >= retries) {
        throw new DownloadError(`the download of ${url} was interrupted (${(err as Error).message}) ${retries + 1} times; run it again to resume from ${part}`);
      }
      log(`connection lost (${(err as Error).message}); resuming`);
      await sleep(500 * (attempt + 1));
    }
  }
}

async function writeBody(response: Response, part: string, start: number, total: number | null, onProgress: DownloadOptions['onProgress']): Promise<void> {
  const file = await open(part, start > 0 ? 'a' : 'w');
  let received = start;
  try {
    onProgress?.({ received, total });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      received += chunk.byteLength;
      onProgress?.({ received, total });
    }
  } finally {
    await file.close();
  }
  if (total !== null && received !== total) throw new Error(`got ${received} of ${total} bytes`);
}

/**
 * Extracts the archive into a temporary folder beside `dataDir`, reads every record file back, then
 * renames the folder into place. On any failure the temporary folder is removed, and so is the archive
 * when its content is at fault.
 */
async function extractAtomically(archive: string, dir: string, dataDir: string): Promise<number> {
  const temp = await mkdtemp(join(dir, '.extract-'));
  try {
    await forEachTarFile(archive, async (entry) => {
      const relative = normalize(entry.path);
      if (relative.startsWith('..') || relative.startsWith(sep)) throw new ArchiveError(`${archive}: entry ${entry.path} points outside the archive's folder`);
      const target = join(temp, relative);
      await mkdir(dirname(target), { recursive: true });
      const file = await open(target, 'w');
      try {
        for await (const chunk of entry.stream) await file.write(chunk);
      } finally {
        await file.close();
      }
    });
    const extracted = join(temp, OFFICIAL_FOLDER);
    if (!(await exists(extracted))) throw new ArchiveError(`${archive} does not hold a ${OFFICIAL_FOLDER}/ folder; it is not the CIFAR-10 binary archive`);
    const dataset = await loadCifar(extracted);
    if (classCounts(dataset).some((n) => n === 0)) throw new ArchiveError(`${archive}: some CIFAR-10 classes have no records`);
    await rename(extracted, dataDir);
    return dataset.count;
  } catch (err) {
    // A broken archive is deleted so the next run fetches it anew; other failures (disk full…) keep it.
    if (!(err instanceof ArchiveError || err instanceof CifarFormatError)) throw err;
    await rm(archive, { force: true });
    throw new DownloadError(`refused: ${(err as Error).message}; the archive was deleted, run the download again`);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
