// A fast Conv2DBackpropInput for the wasm backend: tfjs-backend-wasm's own is a plain loop (2–5 GFLOP/s)
// while its forward convolution runs on XNNPACK (~28 GFLOP/s per core). The input gradient is a forward
// convolution of the output gradient with the filter flipped spatially and its in/out channels swapped:
// for stride 1 directly (padded by k-1-pad); for stride s > 1 split into s×s phases — the input rows
// h ≡ p (mod s) only see the filter taps i ≡ p + pad (mod s) — so each phase is a small stride-1
// convolution of the undilated gradient, and the phases are interleaved back. That does the forward
// convolution's arithmetic, where inserting s-1 zeros between gradient rows would do s² times as much.
import * as tf from '@tensorflow/tfjs';
import { KernelScope, type TensorInfo } from './kernel-scope.ts';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** The taps of one phase along one axis: first tap in the flipped filter, count, and the gradient shift. */
interface PhaseAxis {
  /** Index of the phase's first tap in the flipped filter (taps follow every `stride`). */
  start: number;
  taps: number;
  /** Padding (negative: cropping) before the gradient for a stride-1 correlation that yields this phase. */
  padBefore: number;
}

function phaseAxis(phase: number, stride: number, kernel: number, pad: number): PhaseAxis {
  const first = (phase + pad) % stride; // the first tap i ≡ phase + pad (mod stride)
  const taps = first < kernel ? Math.ceil((kernel - first) / stride) : 0;
  const shift = (phase + pad - first) / stride; // dx_phase[a] = Σ_j dy[a + shift - j] · W[first + stride·j]
  return { start: kernel - 1 - first - stride * (taps - 1), taps, padBefore: taps - 1 - shift };
}

/**
 * The filter of one phase's convolution: the taps of `filter` [kh, kw, Ci, Co] at rows `rows` and columns
 * `cols` (in that order: the flipped filter's taps of the phase), with the channel axes swapped, as
 * [rows, cols, Co, Ci]. Gathered in one pass in JS: the wasm backend's Reverse moves ~40 M elements/s and its
 * Transpose ~170 M, so for a 3×3 512→512 filter the two took 75 ms on every step, whatever the batch size,
 * beside a 7 ms convolution at batch 4 (a strided layer's StridedSlices cost as much again).
 */
function swappedTaps(source: Float32Array, filterShape: readonly number[], rows: readonly number[], cols: readonly number[]): Float32Array {
  const [, kw, ci, co] = filterShape as [number, number, number, number];
  const tapSize = ci * co;
  const result = new Float32Array(rows.length * cols.length * tapSize);
  let to = 0;
  for (const row of rows) {
    for (const col of cols) {
      const from = (row * kw + col) * tapSize;
      for (let c = 0; c < ci; c++) {
        const line = from + c * co;
        for (let o = 0; o < co; o++) result[to + o * ci + c] = source[line + o]!;
      }
      to += tapSize;
    }
  }
  return result;
}

/** The original filter indices of a phase's taps along one axis, in the flipped filter's order. */
function tapIndices(axis: PhaseAxis, stride: number, kernel: number): number[] {
  return Array.from({ length: axis.taps }, (_, t) => kernel - 1 - (axis.start + stride * t));
}

export function conv2dBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on wasm supports NHWC only (tfjs layers use NHWC)');
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const scope = new KernelScope(args.backend);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, inChannels } = info;
  const { top, left } = info.padInfo;
  const [n, dyHeight, dyWidth] = dy.shape;

  const weights = scope.read(filter);
  // Rows/columns each phase yields: enough for the largest phase; the interleaved result is cropped to h×w.
  const rows = Math.ceil(h / sh);
  const cols = Math.ceil(w / sw);
  const phaseRows: TensorInfo[] = [];
  for (let ph = 0; ph < sh; ph++) {
    const alongH = phaseAxis(ph, sh, kh, top);
    const phases: TensorInfo[] = [];
    for (let pw = 0; pw < sw; pw++) {
      const alongW = phaseAxis(pw, sw, kw, left);
      if (alongH.taps === 0 || alongW.taps === 0) {
        phases.push(scope.zeros([n, rows, cols, inChannels])); // no filter tap reaches these positions
        continue;
      }
      const taps = scope.fromValues([alongH.taps, alongW.taps, filter.shape[3]!, inChannels], swappedTaps(weights, filter.shape, tapIndices(alongH, sh, kh), tapIndices(alongW, sw, kw)));
      const input = scope.padOrCrop(dy, {
        top: alongH.padBefore,
        bottom: rows + alongH.taps - 1 - dyHeight - alongH.padBefore,
        left: alongW.padBefore,
        right: cols + alongW.taps - 1 - dyWidth - alongW.padBefore,
      });
      phases.push(scope.conv2d(input, taps, { top: 0, bottom: 0, left: 0, right: 0 }, [1, 1], [1, 1]));
    }
    // [n, rows, cols, Ci] × sw → [n, rows, cols·sw, Ci]: column c·sw + pw comes from phase pw.
    const across = scope.concat(phases.map((p) => scope.reshape(p, [n, rows, cols, 1, inChannels])), 3);
    phaseRows.push(scope.reshape(across, [n, rows, 1, cols * sw, inChannels]));
  }
  const interleaved = scope.reshape(scope.concat(phaseRows, 2), [n, rows * sh, cols * sw, inChannels]);
  const dx = scope.slice(interleaved, [0, 0, 0, 0], [n, h, w, inChannels]);
  // A result that is the intermediate itself (no crop) must still be a tensor of its own for the engine.
  return scope.finish(dx === interleaved ? scope.reshape(interleaved, [n, h, w, inChannels]) : dx);
}
