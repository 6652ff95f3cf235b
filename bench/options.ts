// Options every benchmark shares, with their ranges written once: which seed networks, a quick run, where
// the results go. Each benchmark spreads these into its own table and rewrites a help line where it differs.
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
