// Cancels layout changes. Handlers ask for layouts through inLayout, so a layer that works in the tfjs
// layout (a plugin's channels-last lowering, a Reshape) between two channels-first layers leaves
// NCHW → NHWC → (its ops) → NCHW behind. Two rewrites, repeated until neither applies:
// - a Transpose feeding only an elementwise op (one data input, the others scalar constants) moves below
//   it: f(T(x)) = T(f(x)), so it travels down a chain of such ops towards the next Transpose;
// - a Transpose reading a Transpose becomes one Transpose of the composed order, or nothing when together
//   they restore the original order.
import type { Graph, Node } from '../ir/graph.ts';

/** Ops that treat every element alike, whatever the layout. */
const ELEMENTWISE = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'LeakyRelu', 'ThresholdedRelu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign',
  'Mish', 'Gelu', 'Erf', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Clip',
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min',
]);

function perm(node: Node): number[] | undefined {
  const attr = node.attr('perm');
  return attr?.kind === 'ints' ? attr.value : undefined;
}

/** An elementwise node whose data input is `input` and whose other inputs are one-element constants. */
function elementwiseOn(node: Node, input: Node['inputs'][number]): boolean {
  return ELEMENTWISE.has(node.opType) && node.outputs.length === 1 && node.inputs[0] === input
    && node.inputs.slice(1).every((v) => v.constant !== undefined && v.constant.shape.every((d) => d === 1) && v !== input);
}

/** T(x) → f: becomes f(x) → T. */
function sinkThroughElementwise(graph: Graph, transpose: Node): boolean {
  const moved = transpose.outputs[0]!;
  const [user] = moved.uses;
  if (moved.uses.length !== 1 || graph.outputs.includes(moved) || !user || !elementwiseOn(user, moved)) return false;
  const result = user.outputs[0]!;
  // The Transpose now produces what f produced (same shape); f's output is laid out like x.
  const shape = result.shape;
  graph.setNodeInput(user, 0, transpose.inputs[0]!);
  graph.replaceAllUses(result, moved);
  graph.setNodeInput(transpose, 0, result);
  graph.moveAfter(transpose, user);
  moved.shape = shape;
  result.shape = undefined;
  return true;
}

/** T2(T1(x)) → T(x), or x when the two restore the order. */
function mergePair(graph: Graph, node: Node): boolean {
  const inner = node.inputs[0]?.producer;
  const [first, second] = [inner && inner.opType === 'Transpose' ? perm(inner) : undefined, perm(node)];
  if (!inner || !first || !second || first.length !== second.length) return false;
  // y = T2(T1(x)): y axis i is T1's axis second[i], which is x's axis first[second[i]].
  const composed = second.map((axis) => first[axis]!);
  const source = inner.inputs[0]!;
  const output = node.outputs[0]!;
  if (composed.every((axis, i) => axis === i)) {
    // A graph output keeps its name by moving it onto the source, which must be a node's own output.
    if (graph.outputs.includes(output) && (source.producer === undefined || graph.outputs.includes(source) || source.uses.length > 1)) return false;
    graph.replaceAllUses(output, source);
    graph.removeNode(node);
  } else {
    graph.setNodeInput(node, 0, source);
    node.attributes.set('perm', { kind: 'ints', value: composed });
  }
  return true;
}

export function run(graph: Graph): boolean {
  let changed = false;
  for (let again = true; again;) {
    again = false;
    for (const node of [...graph.nodes]) {
      if (node.opType !== 'Transpose' || !graph.nodes.includes(node)) continue;
      if (mergePair(graph, node) || sinkThroughElementwise(graph, node)) again = true;
    }
    changed ||= again;
  }
  return changed;
}
