// FLOPs of an exported graph, counted from the ONNX file itself: 2·MACs of every Conv, Gemm and MatMul per
// image (the batch dimension left out), from the weights' shapes and the value_info output shapes the
// exporter writes. Element-wise ops (Relu, Add, pooling, Softmax) are not counted: they are memory-bound
// and a few percent of the work in these networks.
import { onnx } from '@onnx-edge/proto';

export interface FlopCount {
  /** FLOPs per image (2 per multiply-accumulate). */
  flopsPerImage: number;
  /** FLOPs per image of each counted op type. */
  byOp: Record<string, number>;
  /** Bytes of all initializers (weights). */
  weightBytes: number;
}

type Shape = (number | undefined)[];

function shapesOf(graph: onnx.IGraphProto): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (info.name && dims) shapes.set(info.name, dims.map((d) => (d.dimValue == null ? undefined : Number(d.dimValue))));
  }
  for (const init of graph.initializer ?? []) if (init.name) shapes.set(init.name, (init.dims ?? []).map(Number));
  return shapes;
}

function product(dims: Shape, what: string): number {
  return dims.reduce<number>((p, d) => {
    if (d === undefined) throw new Error(`cannot count FLOPs: ${what} has an unknown dimension`);
    return p * d;
  }, 1);
}

function shapeOf(shapes: Map<string, Shape>, name: string | undefined | null, node: onnx.INodeProto): Shape {
  const shape = name ? shapes.get(name) : undefined;
  if (!shape) throw new Error(`cannot count FLOPs of ${node.opType} '${node.name}': no shape for '${name}' (export with complete value_info)`);
  return shape;
}

/** MACs per image of one node, or 0 for ops that are not counted. */
function macsPerImage(node: onnx.INodeProto, shapes: Map<string, Shape>): number {
  switch (node.opType) {
    case 'Conv': {
      // output [N, M, spatial…] · weight [M, C/group, kernel…] / M: each output element is C/group·kernel MACs.
      const out = shapeOf(shapes, node.output?.[0], node);
      const weight = shapeOf(shapes, node.input?.[1], node);
      return product(out.slice(1), 'Conv output') * product(weight.slice(1), 'Conv weight');
    }
    case 'Gemm':
    case 'MatMul': {
      // output [N, …, M] with K MACs per element, K = the shared dimension of the second operand.
      const out = shapeOf(shapes, node.output?.[0], node);
      const b = shapeOf(shapes, node.input?.[1], node);
      const transB = node.attribute?.find((a) => a.name === 'transB')?.i;
      const k = node.opType === 'Gemm' && Number(transB ?? 0) === 1 ? b.at(-1) : b.at(-2);
      return product(out.slice(1), `${node.opType} output`) * product([k], `${node.opType} weight`);
    }
    default:
      return 0;
  }
}

export function countFlops(onnxBytes: Uint8Array): FlopCount {
  const graph = onnx.ModelProto.decode(onnxBytes).graph;
  if (!graph) throw new Error('cannot count FLOPs: the ONNX model has no graph');
  const shapes = shapesOf(graph);
  const byOp: Record<string, number> = {};
  let flopsPerImage = 0;
  for (const node of graph.node ?? []) {
    const flops = 2 * macsPerImage(node, shapes);
    if (flops === 0) continue;
    byOp[node.opType!] = (byOp[node.opType!] ?? 0) + flops;
    flopsPerImage += flops;
  }
  const weightBytes = (graph.initializer ?? []).reduce((sum, t) => sum + (t.rawData?.byteLength ?? 0) + 4 * (t.floatData?.length ?? 0), 0);
  return { flopsPerImage, byOp, weightBytes };
}
