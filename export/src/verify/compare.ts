// Elementwise comparison of one output over all verification batches: |Δ| ≤ atol + rtol·|reference| on
// every element, with the largest |Δ|, the largest relative error and where the element nearest to failing
// is; top-1 agreement for outputs shaped like class scores.
import type { OutputParity } from '@onnx-edge/core';

/** Relative differences are taken where |reference| is at least this, so tiny values do not dominate. */
export const REL_DIFF_FLOOR = 1e-6;

/** [N, classes] with at least two classes. */
export function isClassScores(shape: readonly number[]): boolean {
  return shape.length === 2 && shape[1]! >= 2;
}

function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/** Row-major index of flat position `flat` in `shape`. */
function unflatten(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

export class OutputComparison {
  private maxAbsDiff = 0;
  private maxRelDiff = 0;
  private worst: OutputParity['worst'] | undefined;
  private rows = 0;
  private agreeing = 0;
  private classScores = true;

  constructor(readonly name: string, private readonly atol: number, private readonly rtol: number) {}

  /** One batch of this output: tfjs (reference) and onnxruntime values, shape batch first. */
  add(reference: ArrayLike<number>, actual: ArrayLike<number>, shape: readonly number[], size: number, firstSample: number): void {
    const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < reference.length; i++) {
      const ref = reference[i]!;
      const diff = Math.abs(actual[i]! - ref);
      const abs = Number.isNaN(diff) ? Infinity : diff;
      if (abs > this.maxAbsDiff) this.maxAbsDiff = abs;
      if (Math.abs(ref) >= REL_DIFF_FLOOR) this.maxRelDiff = Math.max(this.maxRelDiff, abs / Math.abs(ref));
      const ratio = abs / (this.atol + this.rtol * Math.abs(ref));
      if (!this.worst || ratio > this.worst.ratio) {
        const sample = Math.floor(i / perSample);
        this.worst = { ratio, size, sample: firstSample + sample, index: unflatten(i - sample * perSample, shape.slice(1)), reference: ref, actual: actual[i]! };
      }
    }
    this.classScores &&= isClassScores(shape);
    if (this.classScores) {
      const classes = shape[1]!;
      for (let row = 0; row < shape[0]!; row++) {
        if (argmax(reference, row * classes, classes) === argmax(actual, row * classes, classes)) this.agreeing++;
      }
      this.rows += shape[0]!;
    }
  }

  report(): OutputParity {
    const worst = this.worst ?? { ratio: 0, size: 0, sample: 0, index: [], reference: 0, actual: 0 };
    const report: OutputParity = { name: this.name, maxAbsDiff: this.maxAbsDiff, maxRelDiff: this.maxRelDiff, worst };
    if (this.classScores && this.rows > 0) report.top1Agreement = this.agreeing / this.rows;
    return report;
  }
}
