// Where the pipeline's training images come from, in the order a newcomer expects: an explicit --data, then
// CIFAR10_DIR, then the download cache (`onnx-edge data download`'s folder), then a download attempt (a
// short reachability probe first, so a machine without internet falls through in seconds, not minutes),
// and last the embedded synthetic set — said plainly, because a model trained on it cannot recognise cats.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CIFAR10_URL, defaultDataDir, downloadCifar, OFFICIAL_FOLDER, progressPrinter } from '@onnx-edge/train';
import { displayPath } from './display-path.ts';

export type DataOrigin = 'flag' | 'env' | 'cache' | 'downloaded' | 'synthetic';

export interface ResolvedData {
  origin: DataOrigin;
  /** What training reads: a folder or file of CIFAR-10 records, or 'synthetic'. */
  source: string;
  /** 'cifar10' for real images, 'synthetic' for the generated set (written into the model's metadata). */
  dataset: 'cifar10' | 'synthetic';
  /** One line for the output and the summary. */
  description: string;
}

export interface DataAutoOptions {
  /** --data: a folder/file of CIFAR-10 records, 'synthetic', or 'auto' (the default). */
  data?: string;
  env?: NodeJS.ProcessEnv;
  /** How long the reachability probe of the download URL may take (default 5 s). */
  probeTimeoutMs?: number;
  log: (line: string) => void;
  /** Where download progress goes (default stdout). */
  progressStream?: NodeJS.WriteStream;
}

const SYNTHETIC_ADVICE = "for real CIFAR-10 run 'onnx-edge data download' on a machine with internet, or pass --data DIR / set CIFAR10_DIR";

function synthetic(why: string): ResolvedData {
  return {
    origin: 'synthetic',
    source: 'synthetic',
    dataset: 'synthetic',
    description: `SYNTHETIC images (generated shapes, not CIFAR-10: ${why}); ${SYNTHETIC_ADVICE}`,
  };
}

function existingSource(path: string, from: string): string {
  if (!existsSync(path)) throw new Error(`${from} names ${path}, which does not exist: give a folder of CIFAR-10 *.bin files, a .bin file or cifar-10-binary.tar.gz`);
  return resolve(path);
}

/** Is the download server there at all? A HEAD request with a short deadline; the reason when it is not. */
async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? undefined : `${url} answered HTTP ${response.status}`;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    if (e.name === 'TimeoutError') return `${url} did not answer within ${timeoutMs / 1000} s`;
    return `cannot reach ${url}: ${e.cause?.message ?? e.message}`;
  }
}

export async function resolveData(options: DataAutoOptions): Promise<ResolvedData> {
  const env = options.env ?? process.env;
  const data = options.data ?? 'auto';
  if (data === 'synthetic') return synthetic('asked for with --data synthetic');
  if (data !== 'auto') {
    const source = existingSource(data, '--data');
    return { origin: 'flag', source, dataset: 'cifar10', description: `CIFAR-10 from ${displayPath(source)} (--data)` };
  }
  if (env.CIFAR10_DIR) {
    const source = existingSource(env.CIFAR10_DIR, 'CIFAR10_DIR');
    return { origin: 'env', source, dataset: 'cifar10', description: `CIFAR-10 from ${displayPath(source)} (CIFAR10_DIR)` };
  }
  const cacheDir = defaultDataDir(env);
  const cached = join(cacheDir, OFFICIAL_FOLDER);
  if (existsSync(cached)) return { origin: 'cache', source: cached, dataset: 'cifar10', description: `CIFAR-10 from the download cache ${displayPath(cached)}` };

  const url = env.CIFAR10_URL || CIFAR10_URL;
  options.log(`data: no --data, no CIFAR10_DIR, nothing in ${cacheDir}; trying to download CIFAR-10 (about 170 MB) from ${url}`);
  const unreachable = await probe(url, options.probeTimeoutMs ?? 5000);
  if (unreachable) {
    options.log(`data: download not possible: ${unreachable}`);
    return synthetic('CIFAR-10 could not be downloaded');
  }
  const progress = progressPrinter(options.progressStream);
  try {
    const result = await downloadCifar({
      dir: cacheDir,
      url,
      onProgress: (p) => progress.update(p),
      log: (line) => {
        progress.done();
        options.log(`data: ${line}`);
      },
    });
    progress.done();
    return { origin: 'downloaded', source: result.dataDir, dataset: 'cifar10', description: `CIFAR-10 downloaded to ${displayPath(result.dataDir)}` };
  } catch (err) {
    progress.done();
    options.log(`data: the download failed: ${(err as Error).message}`);
    return synthetic('the CIFAR-10 download failed');
  }
}
