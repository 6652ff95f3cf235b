// Test support for the downloader: a small official-layout archive built from the sample, and a local
// HTTP server (127.0.0.1, port 0) that serves it, honours Range and can cut its first response short.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { RECORD_BYTES } from '../src/data/format.ts';

/** A small archive with the official names: 5 train files of 40 records and a test file of 100, from the sample. */
export async function buildArchive(sample: string): Promise<Buffer> {
  const bytes = await readFile(join(sample, 'sample_batch_000.bin'));
  const pack = tarStream.pack();
  const gz = buffer(pack.pipe(createGzip()));
  pack.entry({ name: 'cifar-10-batches-bin/', type: 'directory' });
  pack.entry({ name: 'cifar-10-batches-bin/batches.meta.txt' }, `${CIFAR10_LABELS.join('\n')}\n`);
  for (let i = 0; i < 5; i++) {
    pack.entry({ name: `cifar-10-batches-bin/data_batch_${i + 1}.bin` }, bytes.subarray(i * 40 * RECORD_BYTES, (i + 1) * 40 * RECORD_BYTES));
  }
  pack.entry({ name: 'cifar-10-batches-bin/test_batch.bin' }, bytes.subarray(200 * RECORD_BYTES, 300 * RECORD_BYTES));
  pack.finalize();
  return gz;
}

export const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

export interface Served {
  url: string;
  requests: { range: string | undefined }[];
  close(): Promise<void>;
}

/** Serves `body`; with `cutFirstAt`, the first response is cut off after that many bytes. Honours Range. */
export async function serve(body: Buffer, cutFirstAt?: number): Promise<Served> {
  const requests: Served['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push({ range: req.headers.range });
    if (!req.url?.endsWith('/cifar-10-binary.tar.gz')) {
      res.writeHead(404).end('not found');
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= body.length && match) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const headers = { 'content-type': 'application/gzip', 'content-length': String(body.length - start) };
    if (match) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    else res.writeHead(200, headers);
    if (requests.length === 1 && cutFirstAt !== undefined) {
      res.write(body.subarray(0, cutFirstAt), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

