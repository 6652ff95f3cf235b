// tfjs' recurrent layers: SimpleRNN, LSTM and GRU as ONNX RNN, LSTM and GRU nodes (and, for the
// Bidirectional wrapper in wrappers.ts, both directions in one node). ONNX runs these time-major
// ([T, N, F], layout 0: onnxruntime's CPU kernels do not implement the batch-major layout 1), so the input
// is brought to tfjs axes [1, 0, 2] and the output sequence stays time-major: stacked recurrent layers pass
// their sequences on without a Transpose.
//
// Weights are rearranged at compile time. tfjs keeps one kernel [in, G·units] with gate blocks in its own
// order — LSTM i, f, c, o; GRU z, r, h — while ONNX wants W [dirs, G·units, in] with LSTM gates in the order
// i, o, f, c (GRU's z, r, h is the same). tfjs has one bias (on the input side) and GRU with the reset gate
// applied before the recurrent product (resetAfter is rejected by tfjs), i.e. ONNX linear_before_reset = 0.
// tfjs' default recurrentActivation is hardSigmoid (0.2·x + 0.5, clipped), written as ONNX HardSigmoid.
import { UNKNOWN_DIM } from '../../ir/dims.ts';
import type { AttributeInput, Dim, Value } from '../../ir/graph.ts';
import { floatTensor, int64Tensor, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { shaped } from '../emit.ts';
import { identityPerm, type LayerOutput } from '../layout.ts';

interface CellKind {
  op: 'RNN' | 'LSTM' | 'GRU';
  /** For each ONNX gate block, the tfjs block it comes from. */
  gates: number[];
  /** tfjs activation names in ONNX's `activations` order for one direction. */
  activations(config: Record<string, unknown>): string[];
  /** Final states tfjs returns with returnState, in order (ONNX outputs 1 = Y_h, 2 = Y_c). */
  states: number;
}

const text = (config: Record<string, unknown>, key: string, fallback: string) => (typeof config[key] === 'string' ? config[key] as string : fallback);

const CELLS: Record<string, CellKind> = {
  SimpleRNN: { op: 'RNN', gates: [0], activations: (c) => [text(c, 'activation', 'tanh')], states: 1 },
  LSTM: {
    op: 'LSTM',
    gates: [0, 3, 1, 2],
    activations: (c) => [text(c, 'recurrentActivation', 'hardSigmoid'), text(c, 'activation', 'tanh'), text(c, 'activation', 'tanh')],
    states: 2,
  },
  GRU: { op: 'GRU', gates: [0, 1, 2], activations: (c) => [text(c, 'recurrentActivation', 'hardSigmoid'), text(c, 'activation', 'tanh')], states: 1 },
};

/** tfjs activation → ONNX recurrent activation with its alpha/beta (consumed in order by the functions that take them). */
const ONNX_ACTIVATIONS: Record<string, { name: string; alpha?: number; beta?: number }> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  relu: { name: 'Relu' },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  elu: { name: 'Elu', alpha: 1 },
};

export function isRecurrentClass(className: string): boolean {
  return Object.hasOwn(CELLS, className);
}

interface DirectionWeights { kernel: ConstTensor; recurrent: ConstTensor; bias?: ConstTensor }

/** [rows, G·units] tfjs matrix → [G·units, rows] with the gate blocks in ONNX order, for each direction. */
function gateMajor(matrices: ConstTensor[], gates: number[], units: number): ConstTensor {
  const rows = matrices[0]!.shape[0]!;
  const size = gates.length * units;
  const out = new Float32Array(matrices.length * size * rows);
  matrices.forEach((m, d) => {
    const src = m.data as Float32Array;
    gates.forEach((block, g) => {
      for (let u = 0; u < units; u++) {
        const column = block * units + u;
        const base = (d * size + g * units + u) * rows;
        for (let r = 0; r < rows; r++) out[base + r] = src[r * size + column]!;
      }
    });
  });
  return floatTensor([matrices.length, size, rows], out);
}

/** ONNX B [dirs, 2·G·units]: tfjs' input-side bias in gate order, then a zero recurrent bias. */
function gateBias(biases: ConstTensor[], gates: number[], units: number): ConstTensor {
  const size = gates.length * units;
  const out = new Float32Array(biases.length * 2 * size);
  biases.forEach((b, d) => {
    const src = b.data as Float32Array;
    gates.forEach((block, g) => out.set(src.subarray(block * units, (block + 1) * units), d * 2 * size + g * units));
  });
  return floatTensor([biases.length, 2 * size], out);
}

interface RecurrentSpec {
  className: string;
  config: Record<string, unknown>;
  /** One set per direction: forward first. */
  weights: DirectionWeights[];
  direction: 'forward' | 'reverse' | 'bidirectional';
}

/** Raw outputs of the ONNX node, time-major: sequence [T, dirs, N, units], final states [dirs, N, units] each. */
interface RecurrentRun {
  sequence: Value;
  states: Value[];
  units: number;
  steps: Dim;
  /** Direction slices already taken, so the last output and the returned state share one node. */
  picked: Map<string, Value>;
}

function runRecurrent(ctx: LayerContext, spec: RecurrentSpec): RecurrentRun {
  const cell = CELLS[spec.className]!;
  if (spec.config['stateful'] === true) ctx.unsupported('stateful recurrent layers are not supported (the exported graph starts every batch from zero state)');
  const units = spec.config['units'] as number;
  const names = cell.activations(spec.config).map((name) => {
    const onnx = Object.hasOwn(ONNX_ACTIVATIONS, name) ? ONNX_ACTIVATIONS[name] : undefined;
    if (!onnx) ctx.unsupported(`recurrent activation '${name}' is not supported — supported: ${Object.keys(ONNX_ACTIVATIONS).join(', ')}`);
    return onnx;
  });
  const perDirection = spec.weights.length;
  const activations = Array.from({ length: perDirection }, () => names).flat();
  const ref = ctx.inputs[0]!;
  const x = ctx.inLayout(ref, [1, 0, 2]);
  const inputs = [
    x,
    ctx.constant('W', gateMajor(spec.weights.map((w) => w.kernel), cell.gates, units)),
    ctx.constant('R', gateMajor(spec.weights.map((w) => w.recurrent), cell.gates, units)),
  ];
  const biases = spec.weights.map((w) => w.bias).filter((b): b is ConstTensor => b !== undefined);
  if (biases.length === perDirection) inputs.push(ctx.constant('B', gateBias(biases, cell.gates, units)));
  const attrs: Record<string, AttributeInput> = {
    hidden_size: units,
    direction: spec.direction,
    activations: { kind: 'strings', value: activations.map((a) => a.name) },
  };
  const alphas = activations.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = activations.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  if (alphas.length > 0) attrs['activation_alpha'] = { kind: 'floats', value: alphas };
  if (betas.length > 0) attrs['activation_beta'] = { kind: 'floats', value: betas };
  const outputs = ctx.nodeOutputs(cell.op, inputs, 1 + cell.states, attrs, cell.op);
  // Unknown steps stay unnamed here; shape inference names them after the input's symbol.
  const steps: Dim = ref.shape[1] ?? UNKNOWN_DIM;
  const batch: Dim = 'N';
  shaped(outputs[0]!, [steps, perDirection, batch, units]);
  outputs.slice(1).forEach((state) => shaped(state, [perDirection, batch, units]));
  return { sequence: outputs[0]!, states: outputs.slice(1), units, steps, picked: new Map() };
}

/** Direction `d` of the run's sequence, [T, N, units] — tfjs axes [1, 0, 2]. */
function directionSequence(ctx: LayerContext, run: RecurrentRun, d: number): Value {
  const y = ctx.node('Gather', [run.sequence, ctx.constant(`direction_${d}`, int64Tensor([], [d]))], { axis: 1 }, `sequence_${d}`);
  return shaped(y, [run.steps, 'N', run.units]);
}

/** Direction `d` of a final state, [N, units]. */
function directionState(ctx: LayerContext, run: RecurrentRun, state: number, d: number): Value {
  const key = `${state}/${d}`;
  let y = run.picked.get(key);
  if (!y) {
    y = shaped(ctx.node('Gather', [run.states[state]!, ctx.constant(`direction_${d}`, int64Tensor([], [d]))], { axis: 0 }, `state${state}_${d}`), ['N', run.units]);
    run.picked.set(key, y);
  }
  return y;
}

/** The time axis (IR axis 0 of a time-major sequence) reversed. */
function reverseTime(ctx: LayerContext, sequence: Value): Value {
  const y = ctx.node('Slice', [
    sequence,
    ctx.constant('reverse_starts', int64Tensor([1], [-1])),
    ctx.constant('reverse_ends', int64Tensor([1], [-Number.MAX_SAFE_INTEGER])),
    ctx.constant('reverse_axes', int64Tensor([1], [0])),
    ctx.constant('reverse_steps', int64Tensor([1], [-1])),
  ], {}, 'reverse_time');
  return shaped(y, sequence.shape ?? []);
}

const TIME_MAJOR = [1, 0, 2];

/** A tfjs weight list of one recurrent layer (kernel, recurrent_kernel[, bias]). */
function directionWeights(list: readonly { name: string; tensor: ConstTensor }[]): DirectionWeights {
  const find = (name: string) => list.find((w) => w.name === name)?.tensor;
  const kernel = find('kernel');
  const recurrent = find('recurrent_kernel');
  if (!kernel || !recurrent) throw new Error(`recurrent layer weights need kernel and recurrent_kernel (have: ${list.map((w) => w.name).join(', ')})`);
  const bias = find('bias');
  return bias ? { kernel, recurrent, bias } : { kernel, recurrent };
}

/**
 * SimpleRNN, LSTM, GRU: the last output (= final hidden state) or, with returnSequences, every step's; with
 * returnState also the final states. goBackwards runs ONNX's 'reverse' direction, whose sequence output
 * is aligned with the input steps, while tfjs returns it in processing order: it is reversed back.
 */
export const recurrentLayer: LayerHandler = (ctx, layer) => {
  const config = layer.config;
  const backwards = config['goBackwards'] === true;
  const run = runRecurrent(ctx, {
    className: layer.className, config, weights: [directionWeights(layer.weightList)], direction: backwards ? 'reverse' : 'forward',
  });
  const outputs: LayerOutput[] = [];
  if (config['returnSequences'] === true) {
    let sequence = directionSequence(ctx, run, 0);
    if (backwards) sequence = reverseTime(ctx, sequence);
    outputs.push(ctx.output(sequence, TIME_MAJOR));
  } else {
    outputs.push(ctx.output(directionState(ctx, run, 0, 0), identityPerm(2)));
  }
  if (config['returnState'] === true) {
    run.states.forEach((_, s) => outputs.push(ctx.output(directionState(ctx, run, s, 0), identityPerm(2))));
  }
  return outputs;
};

/** What a recurrent layer run in both directions gives the Bidirectional wrapper. */
export interface BidirectionalRun {
  /** Each direction's output: its sequence (time-major, see `perm`) or its last output [N, units]. */
  forward: Value;
  backward: Value;
  perm: number[];
  /** Direction `d`'s final states, in tfjs' returnState order. */
  finalStates(d: number): Value[];
}

/**
 * SimpleRNN, LSTM or GRU as one ONNX node with direction 'bidirectional'. Its backward sequence is already
 * aligned with the input steps, which is what tfjs produces by reversing the backward layer's output.
 * Weights: the forward layer's, then the backward layer's.
 */
export function runBidirectional(
  ctx: LayerContext,
  inner: { className: string; config: Record<string, unknown> },
  weightList: readonly { name: string; tensor: ConstTensor }[],
): BidirectionalRun {
  const half = weightList.length / 2;
  const run = runRecurrent(ctx, {
    className: inner.className,
    config: inner.config,
    weights: [directionWeights(weightList.slice(0, half)), directionWeights(weightList.slice(half))],
    direction: 'bidirectional',
  });
  const sequences = inner.config['returnSequences'] === true;
  const [forward, backward] = [0, 1].map((d) => (sequences ? directionSequence(ctx, run, d) : directionState(ctx, run, 0, d))) as [Value, Value];
  return {
    forward,
    backward,
    perm: sequences ? TIME_MAJOR : identityPerm(2),
    finalStates: (d) => run.states.map((_, s) => directionState(ctx, run, s, d)),
  };
}
