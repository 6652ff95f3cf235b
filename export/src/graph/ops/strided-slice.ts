// TF's StridedSlice spec made dense: the sparse begin/end/strides with their five masks (begin, end,
// ellipsis, new_axis, shrink_axis) expanded over the input's dims as TensorFlow does (an implicit ellipsis
// at the end, the ellipsis covering the dims nobody names), then each dim's interval canonicalised where
// its size is known. The handler turns this into ONNX Slice + Squeeze (+ Unsqueeze for new axes).
import type { Dim } from '../../ir/graph.ts';

export interface StridedSliceSpec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

export interface DenseDim {
  /** Raw begin/end as given (unmasked), or undefined when the mask says "from the start" / "to the end". */
  begin: number | undefined;
  end: number | undefined;
  stride: number;
  shrink: boolean;
}

export interface DenseSlice {
  dims: DenseDim[];
  /** Output dims in order: an input dim index, or 'new' for an inserted size-1 axis (shrunk dims are absent). */
  output: (number | 'new')[];
}

export function denseSlice(spec: StridedSliceSpec, rank: number): DenseSlice {
  let sparseDims = spec.begin.length;
  let ellipsis = spec.ellipsisMask;
  if (ellipsis === 0) {
    ellipsis = 1 << sparseDims;
    sparseDims += 1;
  }
  const firstEllipsis = Math.log2(ellipsis & -ellipsis);
  let newAxesAfterEllipsis = 0;
  for (let i = firstEllipsis + 1; i < sparseDims; i++) if (spec.newAxisMask & (1 << i)) newAxesAfterEllipsis++;
  const dims: DenseDim[] = [];
  const output: (number | 'new')[] = [];
  for (let i = 0; i < sparseDims; i++) {
    const bit = 1 << i;
    if (ellipsis & bit) {
      const next = Math.min(rank - (sparseDims - i) + 1 + newAxesAfterEllipsis, rank);
      while (dims.length < next) {
        output.push(dims.length);
        dims.push({ begin: undefined, end: undefined, stride: 1, shrink: false });
      }
    } else if (spec.newAxisMask & bit) {
      output.push('new');
    } else {
      const shrink = (spec.shrinkAxisMask & bit) !== 0;
      if (!shrink) output.push(dims.length);
      dims.push({
        // A shrunk dim takes begin as given, masks or not (as TensorFlow does).
        begin: spec.beginMask & bit && !shrink ? undefined : spec.begin[i]!,
        end: spec.endMask & bit ? undefined : spec.end[i]!,
        stride: spec.strides[i]!,
        shrink,
      });
    }
  }
  if (dims.length !== rank) throw new RangeError(`the slice spec covers ${dims.length} dims of a rank-${rank} input`);
  return { dims, output };
}

export interface Interval {
  begin: number;
  stride: number;
  length: number;
}

/** The elements a dense dim takes from a dim of known size, as TF clamps them. */
export function interval(dim: DenseDim, size: number): Interval {
  const { stride } = dim;
  if (dim.shrink) {
    const begin = (dim.begin ?? 0) < 0 ? (dim.begin ?? 0) + size : (dim.begin ?? 0);
    if (begin < 0 || begin >= size) throw new RangeError(`index ${dim.begin} is out of range for a dim of size ${size}`);
    return { begin, stride: 1, length: 1 };
  }
  const clamp = (x: number, low: number, high: number) => Math.min(Math.max(x, low), high);
  const canonical = (x: number | undefined, isBegin: boolean): number => {
    if (x === undefined) return stride > 0 ? (isBegin ? 0 : size) : (isBegin ? size - 1 : -1);
    const forward = x < 0 ? x + size : x;
    return stride > 0 ? clamp(forward, 0, size) : clamp(forward, -1, size - 1);
  };
  const begin = canonical(dim.begin, true);
  const end = canonical(dim.end, false);
  const length = Math.max(Math.ceil((end - begin) / stride), 0);
  return { begin, stride, length };
}

/** Whether a dense dim takes the whole dim in order (nothing to slice). */
export function isWhole(dim: DenseDim, size: Dim): boolean {
  if (dim.shrink || dim.stride !== 1) return false;
  if (typeof size !== 'number') return (dim.begin === undefined || dim.begin === 0) && dim.end === undefined;
  const { begin, length } = interval(dim, size);
  return begin === 0 && length === size;
}
