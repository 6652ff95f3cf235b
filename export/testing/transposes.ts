// Where the Transposes of an exported model sit: the layout promise is that none lies on a path between two
// convolutions (layout is tracked through everything in between), so only graph edges and ops that really
// move data keep one.
import { onnx } from '@onnx-edge/proto';

const CONVOLUTIONS = new Set(['Conv', 'ConvTranspose']);

/** Names of the Transpose nodes that have a convolution both upstream and downstream. */
export function transposesBetweenConvolutions(bytes: Uint8Array): string[] {
  const nodes = onnx.ModelProto.decode(bytes).graph!.node!;
  const producer = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const node of nodes) {
    for (const output of node.output ?? []) producer.set(output, node);
    for (const input of node.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  const reaches = (start: onnx.INodeProto, next: (n: onnx.INodeProto) => onnx.INodeProto[]): boolean => {
    const seen = new Set<onnx.INodeProto>();
    const stack = next(start);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      if (CONVOLUTIONS.has(node.opType ?? '')) return true;
      stack.push(...next(node));
    }
    return false;
  };
  const upstream = (n: onnx.INodeProto) => (n.input ?? []).flatMap((i) => producer.get(i) ?? []);
  const downstream = (n: onnx.INodeProto) => (n.output ?? []).flatMap((o) => consumers.get(o) ?? []);
  return nodes.filter((n) => n.opType === 'Transpose' && reaches(n, upstream) && reaches(n, downstream)).map((n) => n.name ?? '');
}
