// Bias correction: rounding a layer's weights to int8 shifts each output by (Ŵ − W)·x, and for inputs with a
// non-zero mean (an image's pixels, ReLU outputs) that shift has a mean of its own, the same for every input:
// a systematic error. It is taken out of the bias: b' = b − Σ (Ŵ − W)·E[x], with E[x] per input channel
// measured during calibration. (Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias
// Correction", 2019, in its empirical form.) Conv and Gemm only: a MatMul has no bias to carry it.

/** Running means of a tensor per channel along one axis, batch after batch. */
export class ChannelMeans {
  private sums: Float64Array | undefined;
  private counts = 0;

  constructor(readonly axis: number) {}

  add(values: ArrayLike<number>, dims: readonly number[]): void {
    const axis = this.axis < 0 ? dims.length + this.axis : this.axis;
    const channels = dims[axis]!;
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    this.sums ??= new Float64Array(channels);
    if (this.sums.length !== channels) throw new Error(`channel count changed from ${this.sums.length} to ${channels}`);
    for (let i = 0; i < values.length; i++) this.sums[Math.floor(i / inner) % channels]! += values[i]!;
    this.counts += values.length / channels;
  }

  means(): Float64Array {
    if (!this.sums || this.counts === 0) throw new Error('no values were observed for these channel means');
    return this.sums.map((s) => s / this.counts);
  }
}

/**
 * The corrected bias of a Conv ([out, in/group, ...kernel] weights) or Gemm (B as [in, out], or [out, in] with
 * transB) whose weights `w` were rounded to `rounded`; `bias` absent counts as zeros.
 */
export function correctedBias(
  kind: { opType: 'Conv'; group: number } | { opType: 'Gemm'; transB: boolean },
  w: Float32Array,
  rounded: Float32Array,
  shape: readonly number[],
  bias: Float32Array | undefined,
  inputMeans: Float64Array,
): Float32Array {
  const outputs = kind.opType === 'Conv' || kind.transB ? shape[0]! : shape[1]!;
  const shift = new Float64Array(outputs);
  if (kind.opType === 'Conv') {
    const perGroupIn = shape[1]!;
    const kernel = shape.slice(2).reduce((a, b) => a * b, 1);
    const outPerGroup = outputs / kind.group;
    for (let o = 0; o < outputs; o++) {
      const firstInput = Math.floor(o / outPerGroup) * perGroupIn;
      for (let i = 0; i < perGroupIn; i++) {
        let error = 0;
        for (let k = 0, at = (o * perGroupIn + i) * kernel; k < kernel; k++, at++) error += rounded[at]! - w[at]!;
        shift[o]! += error * inputMeans[firstInput + i]!;
      }
    }
  } else {
    const inputs = kind.transB ? shape[1]! : shape[0]!;
    for (let k = 0; k < inputs; k++) {
      for (let o = 0; o < outputs; o++) {
        const at = kind.transB ? o * inputs + k : k * outputs + o;
        shift[o]! += (rounded[at]! - w[at]!) * inputMeans[k]!;
      }
    }
  }
  return Float32Array.from(shift, (s, o) => (bias?.[o] ?? 0) - s);
}
