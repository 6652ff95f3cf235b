// The table `bench serve` prints: per network and concurrency, the server beside raw onnxruntime at the
// same batch size, then the mean time of one request split into decode, queue, inference and the rest.
import type { RawResult, ServerResult } from './measure.ts';

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

export function formatTable(results: { network: string; raw: RawResult[]; server: ServerResult[] }[]): string {
  const header = ['network', 'conc', 'server req/s', 'p50 ms', 'p99 ms', 'mean batch', 'raw img/s (batch=conc)', 'server/raw', 'decode', 'queue', 'infer', 'http+client', 'busy: http/infer/client', 'fail'];
  const rows = results.flatMap(({ network, raw, server }) => server.map((s) => {
    const r = raw.find((x) => x.batch === s.concurrency);
    return [
      network, String(s.concurrency), f(s.requestsPerSecond), f(s.p50Ms, 2), f(s.p99Ms, 2), f(s.meanBatchSize),
      r ? f(r.imagesPerSecond) : '-', r ? `${f((100 * s.requestsPerSecond) / r.imagesPerSecond, 0)}%` : '-',
      f(s.meanMs.decode, 2), f(s.meanMs.queue, 2), f(s.meanMs.inference, 2), f(s.meanMs.httpAndClient, 2),
      [s.utilization.httpThread, s.utilization.inference, s.utilization.client].map((u) => `${f(100 * u, 0)}%`).join('/'), String(s.failures),
    ];
  }));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'decode/queue/infer: mean ms per request from the server (infer = the run() of the batch it was in);',
    'http+client: client latency minus the server handler total (HTTP parsing, loopback, client).',
    'busy: share of wall time the server HTTP thread, the inference worker (run() time) and the load generator were busy',
    '(HTTP and client: event-loop utilization, which includes time a thread was ready but waiting for a core, as the niced HTTP thread often is).',
  ].join('\n');
}
