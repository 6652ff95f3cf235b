// `onnx-edge bench serve`: requests/s and p50/p99 latency of POST /classify at several concurrencies, and of
// KServe v2 infer with JSON and with binary tensors (Triton's extension) at concurrency 64, for each network,
// beside raw onnxruntime-node throughput at the same batch sizes, in one run. Loopback only, bounded by
// --seconds per measurement. Writes bench/results/serve-<date>-<host>.json and prints a table.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NETWORK_NAMES, type NetworkName } from '@onnx-edge/core';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { machineFacts } from '../machine.ts';
import { BENCH_NETWORKS, BENCH_OPTIONS } from '../options.ts';
import { resultsFile } from '../results-file.ts';
import { measureServer, RawMeasurer, type RawResult, type ServerResult } from './measure.ts';
import { formatTable } from './report.ts';
import { routeRequests, type BenchImage, type Route, type TensorInput } from './requests.ts';

const FIRST_WARMUP_SECONDS = 8;
const CIFAR_SAMPLE = fileURLToPath(new URL('../../../shared/data/cifar10-sample/sample_batch_000.bin', import.meta.url));

const OPTIONS = {
  networks: { ...BENCH_OPTIONS.networks, kind: { type: 'list' }, help: `comma-separated seed networks (default ${BENCH_NETWORKS.join(',')}), or with --repo the repository's model names (default: all)` },
  repo: { flag: 'repo', placeholder: 'DIR', kind: { type: 'string' }, help: 'bench the models of this repository instead of freshly exported seed networks' },
  concurrency: { flag: 'concurrency', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 1024 }, default: [1, 16, 64], help: 'comma-separated concurrencies of /classify = raw batch sizes (default {default})' },
  v2Concurrency: {
    flag: 'v2-concurrency', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 1024 }, default: [64],
    help: 'comma-separated concurrencies of v2 infer, measured with JSON data and with binary tensors (default {default}; models with one FP32 [N,3,32,32] input)',
  },
  seconds: { flag: 'seconds', kind: { type: 'int', min: 1, max: 600 }, default: 5, help: 'seconds per measurement (default {default})' },
  rounds: { ...BENCH_OPTIONS.rounds, kind: { type: 'int', min: 1, max: 10 }, default: 2, help: 'alternate raw and server measurements N times, keep the best of each (default {default})' },
  instances: { flag: 'instances', kind: { type: 'int', min: 1, max: 64 }, help: 'server inference threads per model (default 1, using every core)' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench serve [options]

Serves each network (seed weights, exported by the project) on 127.0.0.1 and measures POST /classify
under closed-loop load at each concurrency (requests/s, p50/p99 latency, where the time goes), and
POST /v2/models/<name>/infer with the same images as JSON numbers and as binary tensors, beside raw
onnxruntime-node throughput at the same batch sizes. Stops by itself.

Options:
${formatOptions(OPTIONS)}`;

/** 64 real CIFAR-10 test images (PNG, and as the input tensor) when ../shared has them, else 64 seeded noise images. */
async function benchImages(): Promise<{ images: BenchImage[]; source: string }> {
  const { readFile } = await import('node:fs/promises');
  const records = await readFile(CIFAR_SAMPLE).catch(() => undefined);
  const images = await Promise.all(Array.from({ length: 64 }, async (_, i) => {
    const hwc = new Uint8Array(3072);
    const nchw = new Float32Array(3072);
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) {
        hwc[p * 3 + c] = records ? records[i * 3073 + 1 + c * 1024 + p]! : (p * 31 + c * 97 + i * 13) % 256;
        nchw[c * 1024 + p] = hwc[p * 3 + c]! / 255;
      }
    }
    const png = new Uint8Array(await sharp(hwc, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer());
    return { png, nchw };
  }));
  return { images, source: records ? 'cifar10-sample (real CIFAR-10 test images)' : 'synthetic noise (../shared/data absent)' };
}

/** The name the server gives the one model file it serves (GET /models). */
async function servedName(url: string): Promise<string> {
  const [model] = (await (await fetch(`${url}/models`)).json()) as { name: string }[];
  if (!model) throw new Error(`the server at ${url} serves no model`);
  return model.name;
}

/** The input v2 infer feeds, where the model takes the seed networks' one FP32 [N,3,32,32] image tensor. */
async function seedTensorInput(url: string, model: string): Promise<TensorInput | undefined> {
  const meta = (await (await fetch(`${url}/v2/models/${encodeURIComponent(model)}`)).json()) as { inputs: { name: string; datatype: string; shape: number[] }[] };
  const [input, ...others] = meta.inputs;
  if (!input || others.length > 0 || input.datatype !== 'FP32' || input.shape.join(',') !== '-1,3,32,32') return undefined;
  return { name: input.name, shape: input.shape };
}

interface NetworkResult {
  network: string;
  raw: RawResult[];
  server: ServerResult[];
}

export const benchServeCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const seconds = values.seconds ?? OPTIONS.seconds.default;
    const rounds = values.rounds ?? OPTIONS.rounds.default;
    const instances = values.instances;
    const levels = values.concurrency ?? [...OPTIONS.concurrency.default];
    const v2Levels = values.v2Concurrency ?? [...OPTIONS.v2Concurrency.default];
    const batches = [...new Set([...levels, ...v2Levels])].sort((a, b) => a - b);
    const { startServer, readModelRepository } = await import('@onnx-edge/serve');
    let repo = values.repo;
    let names: string[];
    let cleanup = async () => {};
    if (repo) {
      names = (await readModelRepository(repo)).map((m) => m.name);
      const wanted = values.networks;
      if (wanted) names = names.filter((n) => wanted.includes(n));
    } else {
      const unknown = values.networks?.find((n) => !(NETWORK_NAMES as readonly string[]).includes(n));
      if (unknown) throw new UsageError(`--networks: '${unknown}' is not one of ${NETWORK_NAMES.join(', ')}`);
      names = values.networks ?? [...BENCH_NETWORKS];
      const { exportSeedNetwork } = await import('@onnx-edge/serve/testing');
      const dir = join(tmpdir(), `onnx-edge-bench-serve-${process.pid}`);
      for (const name of names) {
        console.error(`exporting ${name} ...`);
        await exportSeedNetwork(name as NetworkName, { repo: dir });
      }
      repo = dir;
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    if (names.length === 0) throw new UsageError('no model to bench');
    const { images, source } = await benchImages();
    const loadBefore = loadavg();
    const threads = availableParallelism();
    const results: NetworkResult[] = [];
    const rawMeasurer = RawMeasurer.start(); // before the first server lowers this thread's priority
    try {
      for (const network of names) {
        const modelPath = join(repo, network, String(Math.max(...(await readdir(join(repo, network))).filter((d) => /^\d+$/.test(d)).map(Number))), 'model.onnx');
        // Raw and server measurements alternate, `rounds` times, keeping each one's best: on a shared
        // machine a burst of foreign load then hurts one round of either, not one side of the comparison.
        const raw: RawResult[] = [];
        const serverResults: ServerResult[] = [];
        const server = await startServer({ model: modelPath, port: 0, host: '127.0.0.1', logLevel: 'warn', maxQueue: 4096, ...(instances ? { instances } : {}) });
        try {
          const served = await servedName(server.url);
          const input = await seedTensorInput(server.url, served);
          if (!input) console.error(`${network}: v2 infer not measured (it does not take one FP32 [N,3,32,32] input)`);
          const routes: [Route, number[]][] = [['classify', levels], ...(input ? (['v2-json', 'v2-binary'] as const).map((r): [Route, number[]] => [r, v2Levels]) : [])];
          const requests = new Map(routes.map(([route]) => [route, routeRequests(route, new URL(server.url), served, images, input ?? { name: 'input', shape: [] })]));
          let warm = false;
          for (let round = 1; round <= rounds; round++) {
            for (const [i, batch] of batches.entries()) {
              const measured = routes.filter(([, at]) => at.includes(batch)).map(([route]) => route);
              console.error(`${network} round ${round}/${rounds}: raw onnxruntime-node batch ${batch}, then ${measured.join(', ')} at concurrency ${batch} ...`);
              // The raw baseline is the better of onnxruntime's default (spinning) and the server's setting.
              for (const allowSpinning of [true, false]) {
                const r = await rawMeasurer.measure({ modelPath, batch, seconds, threads, allowSpinning });
                if (!raw[i] || r.imagesPerSecond > raw[i]!.imagesPerSecond) raw[i] = r;
              }
              for (const route of measured) {
                // A fresh server's request path is still being compiled by V8 for several seconds (measured:
                // background compilation took ~90 µs of CPU per request after 1 s of load, ~38 after 10 s), so
                // its first measurement gets a long warm-up; later ones only need their connections.
                const warmup = warm ? Math.min(1, seconds) : FIRST_WARMUP_SECONDS;
                warm = true;
                const m = await measureServer(server, route, requests.get(route)!, batch, seconds, warmup);
                const best = serverResults.findIndex((x) => x.route === route && x.concurrency === batch);
                if (best < 0) serverResults.push(m);
                else if (m.requestsPerSecond > serverResults[best]!.requestsPerSecond) serverResults[best] = m;
              }
            }
          }
        } finally {
          await server.close();
        }
        results.push({ network, raw, server: serverResults });
      }
    } finally {
      await rawMeasurer.close();
      await cleanup();
    }

    const report = {
      benchmark: 'serve',
      date: new Date().toISOString(),
      machine: machineFacts(),
      images: source,
      // Other processes' load skews every figure on a shared machine: recorded so a reader can tell.
      loadAverage1m: { before: loadBefore[0], after: loadavg()[0] },
      secondsPerMeasurement: seconds,
      rounds,
      notes: 'Loopback; the load generator runs in a worker thread of the same process and shares the cores. Server batching: max batch 64, max queue delay 2 ms (defaults). Raw = onnxruntime-node session.run in a worker thread of the same process, started before the server so it keeps the normal priority like the inference threads of the server (same graph optimisation and thread count; the better of spinning on (the onnxruntime default) and off (the server setting)). Raw and server alternate for --rounds rounds; the best of each is kept. Routes: classify = POST /classify?top=1 with a PNG; v2-json = v2 infer, the image as a [1,3,32,32] FP32 tensor in JSON numbers; v2-binary = the same tensor as Triton binary tensor data, every output asked for as binary.',
      results,
    };
    const file = values.out ?? resultsFile('serve', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(report, null, 2) + '\n');
    console.log(formatTable(results));
    console.log(`\nwrote ${file}`);
    return 0;
  },
};
