// How an inference measurement runs (batches, warm-up, rounds, threads); shared by the network and probe measurements.
export interface InferenceSettings {
  batches: number[];
  warmup: number;
  rounds: number;
  threads: number;
  /** Side of the square MatMul whose speed is the machine's peak. */
  peakN: number;
  /** A timed sample repeats a call until it lasts at least this long (small batches take microseconds). */
  minSampleMs: number;
  /** Untimed pause after each sample, so that spinning threads are idle before the next peer runs. */
  settleMs: number;
}
