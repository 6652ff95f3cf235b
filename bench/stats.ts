// Small statistics shared by the benchmarks: medians, and the interleaved A B A B schedule that lets
// machine drift (other processes, frequency changes) hit every peer equally.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs each peer `warmup` times untimed (in turn), then `rounds` rounds of one timed call per peer, in the
 * same order every round (A B A B …), pausing `settleMs` untimed after each call so that threads a peer
 * leaves spinning (onnxruntime's default) have gone idle before the next one starts. Returns every
 * peer's times in ms, in the order of `peers`.
 */
export async function interleave(peers: readonly (() => Promise<unknown>)[], warmup: number, rounds: number, options: { settleMs?: number; now?: () => number } = {}): Promise<number[][]> {
  const now = options.now ?? (() => performance.now());
  const settle = () => (options.settleMs ? new Promise((resolve) => setTimeout(resolve, options.settleMs)) : Promise.resolve());
  for (let i = 0; i < warmup; i++) for (const peer of peers) await peer();
  const times = peers.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, peer] of peers.entries()) {
      const started = now();
      await peer();
      times[i]!.push(now() - started);
      await settle();
    }
  }
  return times;
}
