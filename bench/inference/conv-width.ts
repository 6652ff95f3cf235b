// What onnxruntime's CPU convolution reaches as a function of its channel width, at equal FLOPs: chains of
// Conv+ReLU with c input and c output channels on 16×16 maps (Inception10's block-1 size), batch 128·(16/c)²
// so that every chain does the same work, timed interleaved with the MatMul peak. Inception10 has half of
// its FLOPs in 16-channel convolutions: this probe shows how far the runtime's kernels take such a layer,
// apart from any graph the exporter writes (bench/NOTES.md, finding 7).
import * as ort from 'onnxruntime-node';
import { onnx } from '@onnx-edge/proto';
import { startMatMulPeak } from '../peak.ts';
import { interleave, median } from '../stats.ts';
import { countFlops } from './flops.ts';
import { ortSessionOptions } from './ort-options.ts';
import type { InferenceSettings } from './settings.ts';
import { seededRandom } from '@onnx-edge/core';

export interface ConvChain {
  channels: number;
  kernel: number;
  /** Height and width of every feature map (stride 1, 'same' padding). */
  map: number;
  batch: number;
  /** Conv+ReLU layers in the chain. */
  depth: number;
}

export interface ConvWidthRow extends ConvChain {
  medianMs: number;
  gflops: number;
  peakGflops: number;
  /** GFLOP/s ÷ the MatMul peak measured in the same rounds. */
  ofPeak: number;
}

const CHAIN_DEPTH = 12;
const MAP = 16;
/** Channels × channels × batch is the same for every width, so every chain does the same FLOPs. */
const WORK_CHANNELS = 16;
const WORK_BATCH = 128;

export function convChainsToProbe(widths: readonly number[], kernels: readonly number[]): ConvChain[] {
  return kernels.flatMap((kernel) => widths.map((channels) => ({
    channels, kernel, map: MAP, depth: CHAIN_DEPTH,
    batch: Math.max(1, Math.round((WORK_BATCH * WORK_CHANNELS ** 2) / channels ** 2)),
  })));
}

/** Deterministic weights with the variance of He initialisation, so activations neither vanish nor blow up. */
function heWeights(count: number, fanIn: number, seed: number): Float32Array {
  const scale = Math.sqrt(6 / fanIn);
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() - 0.5) * scale);
}

/** An ONNX model: `depth` × (Conv c→c, k×k, 'same' + ReLU) on [batch, c, map, map], with value_info for every Conv. */
export function convChainModel({ channels: c, kernel: k, map, batch, depth }: ConvChain): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const activation = (name: string) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: [batch, c, map, map].map((dimValue) => ({ dimValue })) } } } });
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  const convOutputs: string[] = [];
  let current = 'x';
  for (let layer = 0; layer < depth; layer++) {
    const weights = heWeights(c * c * k * k, c * k * k, layer + 1);
    initializers.push({ name: `w${layer}`, dims: [c, c, k, k], dataType: FLOAT, rawData: new Uint8Array(weights.buffer) });
    initializers.push({ name: `b${layer}`, dims: [c], dataType: FLOAT, rawData: new Uint8Array(new Float32Array(c).buffer) });
    nodes.push({ opType: 'Conv', name: `conv${layer}`, input: [current, `w${layer}`, `b${layer}`], output: [`conv${layer}`], attribute: [
      { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [k, k] },
      { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: Array(4).fill((k - 1) / 2) },
    ] });
    nodes.push({ opType: 'Relu', name: `relu${layer}`, input: [`conv${layer}`], output: [`relu${layer}`] });
    convOutputs.push(`conv${layer}`);
    current = `relu${layer}`;
  }
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'onnx-edge-bench',
    graph: { name: `conv_chain_c${c}_k${k}`, node: nodes, initializer: initializers, input: [activation('x')], output: [activation(current)], valueInfo: convOutputs.map(activation) },
  }).finish();
}

/** Times every chain and the MatMul peak in interleaved rounds (threads sleeping: each call lasts milliseconds). */
export async function measureConvWidths(chains: readonly ConvChain[], settings: InferenceSettings, log: (line: string) => void): Promise<ConvWidthRow[]> {
  const options = ortSessionOptions(settings.threads, false);
  const runs: (() => Promise<unknown>)[] = [];
  const opened: { release(): Promise<void> }[] = [];
  const flops: number[] = [];
  try {
    for (const chain of chains) {
      const bytes = convChainModel(chain);
      const session = await ort.InferenceSession.create(bytes, options);
      opened.push(session);
      flops.push(countFlops(bytes).flopsPerImage * chain.batch);
      const input = new Float32Array(chain.batch * chain.channels * chain.map ** 2).map((_, i) => ((i * 7919) % 1000) / 1000);
      const feeds = { x: new ort.Tensor('float32', input, [chain.batch, chain.channels, chain.map, chain.map]) };
      runs.push(() => session.run(feeds));
    }
    const matMul = await startMatMulPeak(settings.peakN, options);
    opened.push(matMul);
    log(`inference: convolution width probe, ${chains.length} chains of ${CHAIN_DEPTH} Conv+ReLU at equal FLOPs: ${settings.warmup + 1} warm-up + ${settings.rounds} interleaved rounds with the MatMul peak…`);
    const times = await interleave([...runs, () => matMul.run()], settings.warmup + 1, settings.rounds, { settleMs: settings.settleMs });
    const peakGflops = matMul.gflops(median(times.at(-1)!));
    return chains.map((chain, i) => {
      const medianMs = median(times[i]!);
      const gflops = flops[i]! / (medianMs * 1e6);
      log(`inference:   ${chain.kernel}×${chain.kernel} conv ${chain.channels}→${chain.channels} @${chain.map}×${chain.map}, batch ${chain.batch}: ${gflops.toFixed(1)} GFLOP/s, ${(100 * gflops / peakGflops).toFixed(0)}% of ${peakGflops.toFixed(1)}`);
      return { ...chain, medianMs, gflops, peakGflops, ofPeak: gflops / peakGflops };
    });
  } finally {
    for (const session of opened) await session.release();
  }
}
