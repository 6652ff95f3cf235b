// The table `bench serve` prints: per network, route and concurrency, the server beside raw onnxruntime at
// the same batch size, then the mean time of one /classify request split into decode, queue, inference and
// the rest (v2 answers carry no timing), and a closing line per network: each route's share of raw.
import type { RawResult, ServerResult } from './measure.ts';

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

const ROUTE_NAMES: Record<ServerResult['route'], string> = { 'classify': '/classify', 'v2-json': 'v2 JSON', 'v2-binary': 'v2 binary' };

type NetworkResults = { network: string; raw: RawResult[]; server: ServerResult[] };

const rawAt = (raw: RawResult[], batch: number) => raw.find((x) => x.batch === batch);
const shareOfRaw = (s: ServerResult, r: RawResult | undefined) => (r ? `${f((100 * s.requestsPerSecond) / r.imagesPerSecond, 0)}%` : '-');

/** "inception10 at concurrency 64: /classify 43%, v2 JSON 20%, v2 binary 45% of raw onnxruntime" for each network. */
function closingNotes(results: NetworkResults[]): string[] {
  return results.flatMap(({ network, raw, server }) => {
    const at = Math.max(...server.filter((s) => s.route !== 'classify').map((s) => s.concurrency), -1);
    const compared = server.filter((s) => s.concurrency === at);
    if (compared.length === 0) return [];
    return [`${network} at concurrency ${at}: ${compared.map((s) => `${ROUTE_NAMES[s.route]} ${shareOfRaw(s, rawAt(raw, at))}`).join(', ')} of raw onnxruntime (${f(rawAt(raw, at)?.imagesPerSecond ?? NaN)} img/s)`];
  });
}

export function formatTable(results: NetworkResults[]): string {
  const header = ['network', 'route', 'conc', 'server req/s', 'p50 ms', 'p99 ms', 'mean batch', 'raw img/s (batch=conc)', 'server/raw', 'decode', 'queue', 'infer', 'http+client', 'busy: http/infer/client', 'fail'];
  const rows = results.flatMap(({ network, raw, server }) => server.map((s) => {
    const r = rawAt(raw, s.concurrency);
    return [
      network, ROUTE_NAMES[s.route], String(s.concurrency), f(s.requestsPerSecond), f(s.p50Ms, 2), f(s.p99Ms, 2), f(s.meanBatchSize),
      r ? f(r.imagesPerSecond) : '-', shareOfRaw(s, r),
      f(s.meanMs.decode, 2), f(s.meanMs.queue, 2), f(s.meanMs.inference, 2), f(s.meanMs.httpAndClient, 2),
      [s.utilization.httpThread, s.utilization.inference, s.utilization.client].map((u) => `${f(100 * u, 0)}%`).join('/'), String(s.failures),
    ];
  }));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'routes: /classify = a PNG per request; v2 JSON = the same image as a [1,3,32,32] FP32 tensor in JSON numbers; v2 binary = that tensor',
    'as Triton binary tensor data (raw float32 after the JSON), the answer\'s tensors raw too.',
    'decode/queue/infer: mean ms per /classify request from the server (infer = the run() of the batch it was in);',
    'http+client: client latency minus the server handler total (HTTP parsing, loopback, client).',
    'busy: share of wall time the server HTTP thread, the inference worker (run() time) and the load generator were busy',
    '(HTTP and client: event-loop utilization, which includes time a thread was ready but waiting for a core, as the niced HTTP thread often is).',
    ...closingNotes(results),
  ].join('\n');
}
