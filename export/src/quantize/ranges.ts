// What calibration learns about one tensor, batch after batch, in fixed memory: its minimum and maximum, and
// (for the percentile and entropy methods) a histogram of magnitudes. Then the range its activations are
// quantized to, by the chosen method:
//   minmax      the observed [min, max];
//   percentile  magnitudes clipped at the 99.999th percentile (onnxruntime's default), so that a handful of
//               outliers do not stretch the step for every other value;
//   entropy     the clipping threshold whose quantized histogram loses the least information (smallest KL
//               divergence from the observed one), the method TensorRT introduced for int8 calibration.

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];

export const HISTOGRAM_BINS = 2048;
export const PERCENTILE = 99.999;

export interface Range {
  min: number;
  max: number;
}

export class TensorStatistics {
  min = Infinity;
  max = -Infinity;
  /** Values seen. */
  count = 0;
  /**
   * Histogram of the non-zero |x| over [0, binWidth · HISTOGRAM_BINS): fixed size, the width doubling as larger
   * values come. Exact zeros are counted apart: every range holds 0 exactly, so they cost no error whatever
   * the clip, and after a ReLU (half the values) their spike would dominate the entropy method's comparison.
   */
  private readonly bins: Float64Array | undefined;
  private binWidth = 0;
  zeros = 0;

  constructor(withHistogram: boolean) {
    this.bins = withHistogram ? new Float64Array(HISTOGRAM_BINS) : undefined;
  }

  add(values: ArrayLike<number>): void {
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    this.count += values.length;
    if (this.bins) this.addToHistogram(values, Math.max(Math.abs(min), Math.abs(max)), this.bins);
  }

  private addToHistogram(values: ArrayLike<number>, absMax: number, bins: Float64Array): void {
    if (absMax === 0) {
      this.zeros += values.length;
      return;
    }
    // Slightly wider than the largest magnitude so that it falls inside the last bin.
    if (this.binWidth === 0) this.binWidth = (absMax / HISTOGRAM_BINS) * (1 + 1e-6);
    while (absMax >= this.binWidth * HISTOGRAM_BINS) {
      // Twice the range: neighbouring bins merge pairwise, no counts are lost or moved across a boundary.
      for (let b = 0; b < HISTOGRAM_BINS / 2; b++) bins[b] = bins[2 * b]! + bins[2 * b + 1]!;
      bins.fill(0, HISTOGRAM_BINS / 2);
      this.binWidth *= 2;
    }
    const inverse = 1 / this.binWidth;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === 0) {
        this.zeros++;
        continue;
      }
      const b = Math.floor(Math.abs(v) * inverse);
      bins[b < HISTOGRAM_BINS ? b : HISTOGRAM_BINS - 1]!++;
    }
  }

  /** The histogram of non-zero magnitudes and its bin width (for tests and the methods below). */
  histogram(): { bins: Float64Array; binWidth: number } {
    if (!this.bins) throw new Error('these statistics were collected without a histogram (minmax)');
    return { bins: this.bins, binWidth: this.binWidth };
  }

  range(method: CalibrationMethod): Range {
    if (this.count === 0) throw new Error('no values were observed for this tensor');
    if (method === 'minmax' || this.binWidth === 0) return { min: this.min, max: this.max };
    const { bins, binWidth } = this.histogram();
    const threshold = method === 'percentile'
      ? percentileThreshold(bins, binWidth, PERCENTILE, this.zeros)
      : entropyThreshold(bins, binWidth, this.min < 0 ? 128 : 256);
    return { min: Math.max(this.min, -threshold), max: Math.min(this.max, threshold) };
  }
}

/** The upper edge of the bin where the cumulative count (zeros first) reaches `percent` of all values. */
export function percentileThreshold(bins: Float64Array, binWidth: number, percent: number, zeros = 0): number {
  const total = bins.reduce((a, b) => a + b, zeros);
  const target = (total * percent) / 100;
  let cumulative = zeros;
  for (let b = 0; b < bins.length; b++) {
    cumulative += bins[b]!;
    if (cumulative >= target) return (b + 1) * binWidth;
  }
  return bins.length * binWidth;
}

/**
 * The threshold, in bins of the histogram, that minimises KL(P‖Q): P is the histogram cut at i bins with the
 * cut-off tail added to its last bin, Q is the first i bins merged into `levels` quantization levels and spread
 * back evenly over the bins that held values. Candidates run from `levels` bins to all of them.
 */
export function entropyThreshold(bins: Float64Array, binWidth: number, levels: number): number {
  const n = bins.length;
  if (n <= levels) return n * binWidth;
  let bestBins = n;
  let bestDivergence = Infinity;
  const suffix = new Float64Array(n + 1);
  for (let b = n - 1; b >= 0; b--) suffix[b] = suffix[b + 1]! + bins[b]!;
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = levels; i <= n; i++) {
    p.set(bins.subarray(0, i));
    p[i - 1]! += suffix[i]!;
    q.fill(0, 0, i);
    for (let level = 0; level < levels; level++) {
      const start = Math.floor((level * i) / levels);
      const end = Math.floor(((level + 1) * i) / levels);
      let sum = 0;
      let occupied = 0;
      for (let b = start; b < end; b++) {
        sum += bins[b]!;
        if (bins[b]! > 0) occupied++;
      }
      if (occupied === 0) continue;
      for (let b = start; b < end; b++) if (bins[b]! > 0) q[b] = sum / occupied;
    }
    const divergence = klDivergence(p, q, i);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = i;
    }
  }
  return (bestBins + 0.5) * binWidth;
}

/** KL(P‖Q) of the first `length` entries, each normalised to sum 1; where P has mass and Q none, Q gets 1e-10. */
function klDivergence(p: Float64Array, q: Float64Array, length: number): number {
  let pSum = 0;
  let qSum = 0;
  for (let b = 0; b < length; b++) {
    pSum += p[b]!;
    qSum += q[b]!;
  }
  if (pSum === 0 || qSum === 0) return Infinity;
  let divergence = 0;
  for (let b = 0; b < length; b++) {
    if (p[b] === 0) continue;
    const pb = p[b]! / pSum;
    const qb = Math.max(q[b]! / qSum, 1e-10);
    divergence += pb * Math.log(pb / qb);
  }
  return divergence;
}
