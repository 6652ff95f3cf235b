// Options every benchmark shares, with their ranges written once: which seed networks, a quick run, where
// the results go. Each benchmark spreads these into its own table and rewrites a help line where it differs.
import { availableParallelism } from 'node:os';
import { NETWORK_NAMES } from '@onnx-edge/core';
import type { OptionSpec } from '@onnx-edge/core/cli';

/** The networks measured unless --networks says otherwise (ResNet34 only on request: it adds little). */
export const BENCH_NETWORKS = ['inception10', 'resnet18'] as const;

export const BENCH_OPTIONS = {
  networks: {
    flag: 'networks', placeholder: 'LIST', kind: { type: 'list', choices: NETWORK_NAMES },
    help: `comma-separated, from ${NETWORK_NAMES.join(', ')} (default ${BENCH_NETWORKS.join(',')})`,
  },
  quick: { flag: 'quick', kind: { type: 'boolean' }, help: 'a shorter run' },
  out: { flag: 'out', placeholder: 'FILE', kind: { type: 'string' }, help: 'JSON file (default bench/results/<benchmark>-<date>-<host>.json)' },
  warmup: { flag: 'warmup', kind: { type: 'int', min: 0, max: 100 }, help: 'untimed calls per peer first' },
  rounds: { flag: 'rounds', kind: { type: 'int', min: 1, max: 1000 }, help: 'interleaved timed rounds' },
} as const satisfies Record<string, OptionSpec>;

/** The options of the benchmarks that time onnxruntime sessions over batch sizes against a MatMul peak. */
export const SESSION_BENCH_OPTIONS = {
  batches: { flag: 'batches', placeholder: 'LIST', kind: { type: 'int-list', min: 1, max: 4096 }, default: [1, 32, 128], help: 'comma-separated batch sizes (default {default})' },
  warmup: { ...BENCH_OPTIONS.warmup, help: 'untimed calls per peer first (default 2; --quick: 1)' },
  rounds: { ...BENCH_OPTIONS.rounds, help: 'interleaved timed rounds (default 11; --quick: 3)' },
  threads: { flag: 'threads', kind: { type: 'int', min: 1, max: 256 }, help: `onnxruntime intra-op threads (default: one per core, ${availableParallelism()} here)` },
  peakN: { flag: 'peak-n', kind: { type: 'int', min: 64, max: 8192 }, default: 2048, help: 'side of the peak MatMul (default {default})' },
} as const satisfies Record<string, OptionSpec>;
