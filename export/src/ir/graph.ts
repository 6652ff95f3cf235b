// The compiler's intermediate representation: a graph of Nodes connected by Values. A Value knows the node
// that produces it and every node that uses it, so passes can rewire without scanning. No protobuf here.
import type { ConstTensor, DataType } from './tensor.ts';

/** A dimension: a number, or a symbolic name such as the batch dimension 'N'. */
export type Dim = number | string;

export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: ConstTensor };

export type AttributeInput = number | number[] | string | Attribute;

export class Value {
  producer: Node | undefined;
  readonly uses: Node[] = [];
  constructor(
    public name: string,
    public dtype: DataType,
    public shape: Dim[] | undefined,
    /** Set for initializers (weights and other compile-time constants). */
    public constant: ConstTensor | undefined = undefined,
  ) {}
}

export class Node {
  constructor(
    public readonly opType: string,
    public readonly name: string,
    public inputs: Value[],
    public readonly outputs: Value[],
    public readonly attributes: Map<string, Attribute>,
  ) {}

  attr(name: string): Attribute | undefined {
    return this.attributes.get(name);
  }
}

/** Integers become 'int'; arrays of numbers become 'ints' unless wrapped as an explicit Attribute. */
function toAttribute(input: AttributeInput): Attribute {
  if (typeof input === 'number') return Number.isInteger(input) ? { kind: 'int', value: input } : { kind: 'float', value: input };
  if (typeof input === 'string') return { kind: 'string', value: input };
  if (Array.isArray(input)) return { kind: 'ints', value: input };
  return input;
}

export class Graph {
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  /** Topologically ordered: a node only uses values created before it. */
  nodes: Node[] = [];
  /** Constants in creation order. */
  constants: Value[] = [];
  private readonly names = new Set<string>();

  constructor(public name: string) {}

  /** A unique name derived from `hint` (tfjs layer paths make readable, stable names). */
  uniqueName(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  addInput(name: string, dtype: DataType, shape: Dim[]): Value {
    const value = new Value(this.uniqueName(name), dtype, shape);
    this.inputs.push(value);
    return value;
  }

  /**
   * An omitted optional input (written as the empty name ONNX uses for it, e.g. Resize's roi and scales when
   * sizes are given). Never registered as a graph value: each use gets its own.
   */
  absentInput(): Value {
    return new Value('', 'float32', undefined);
  }

  addConstant(nameHint: string, tensor: ConstTensor): Value {
    const value = new Value(this.uniqueName(nameHint), tensor.dtype, [...tensor.shape], tensor);
    this.constants.push(value);
    return value;
  }

  addNode(
    opType: string,
    inputs: Value[],
    attributes: Record<string, AttributeInput> = {},
    options: { name?: string; outputs?: number; dtype?: DataType; outputNames?: readonly string[] } = {},
  ): Node {
    const name = this.uniqueName(options.name ?? opType);
    // Output names default to the node's; a model read from a file keeps its own (`outputNames`).
    const count = options.outputNames?.length ?? options.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) =>
      new Value(this.uniqueName(options.outputNames?.[i] ?? (i === 0 ? name : `${name}:${i}`)), options.dtype ?? inputs[0]?.dtype ?? 'float32', undefined));
    const attrs = new Map(Object.entries(attributes).map(([k, v]) => [k, toAttribute(v)]));
    const node = new Node(opType, name, inputs, outputs, attrs);
    for (const input of inputs) input.uses.push(node);
    for (const output of outputs) output.producer = node;
    this.nodes.push(node);
    return node;
  }

  /** Marks a value as a graph output under `name` (renaming it: output names are the model's contract). */
  markOutput(value: Value, name: string): void {
    this.names.delete(value.name);
    if (this.names.has(name)) throw new Error(`output name '${name}' is already used by another value`);
    this.names.add(name);
    value.name = name;
    this.outputs.push(value);
  }

  /** Points every use of `from` at `to` (graph outputs included, keeping the output's name). */
  replaceAllUses(from: Value, to: Value): void {
    for (const node of from.uses) {
      node.inputs = node.inputs.map((v) => (v === from ? to : v));
      to.uses.push(node);
    }
    from.uses.length = 0;
    const outputIndex = this.outputs.indexOf(from);
    if (outputIndex >= 0) {
      if (to.producer === undefined || this.outputs.includes(to) || this.inputs.includes(to)) {
        throw new Error(`cannot make '${to.name}' stand for graph output '${from.name}'`);
      }
      this.names.delete(to.name);
      to.name = from.name;
      to.shape ??= from.shape;
      this.outputs[outputIndex] = to;
    }
  }

  /**
   * Makes `replacement` the graph output that `output` was, under the output's name (the model's contract);
   * `output` stays in the graph for its other uses, under a new name.
   */
  replaceGraphOutput(output: Value, replacement: Value): void {
    const index = this.outputs.indexOf(output);
    if (index < 0) throw new Error(`'${output.name}' is not a graph output`);
    const name = output.name;
    output.name = this.uniqueName(`${name}_inner`);
    this.names.delete(replacement.name);
    replacement.name = name;
    this.outputs[index] = replacement;
  }

  /** Replaces one input of a node, keeping use lists right. */
  setNodeInput(node: Node, index: number, value: Value): void {
    const old = node.inputs[index]!;
    const at = old.uses.indexOf(node);
    if (at >= 0) old.uses.splice(at, 1);
    node.inputs[index] = value;
    value.uses.push(node);
  }

  /** Removes a node whose outputs are no longer used. */
  removeNode(node: Node): void {
    for (const output of node.outputs) {
      if (output.uses.length > 0 || this.outputs.includes(output)) throw new Error(`node '${node.name}' still has uses`);
    }
    for (const input of node.inputs) {
      const at = input.uses.indexOf(node);
      if (at >= 0) input.uses.splice(at, 1);
    }
    this.nodes = this.nodes.filter((n) => n !== node);
  }

  /** Moves `node` to just after `anchor` in the node order (the caller keeps the order topological). */
  moveAfter(node: Node, anchor: Node): void {
    this.nodes = this.nodes.filter((n) => n !== node);
    this.nodes.splice(this.nodes.indexOf(anchor) + 1, 0, node);
  }

  /** Drops constants nobody uses any more. */
  pruneConstants(): boolean {
    const before = this.constants.length;
    this.constants = this.constants.filter((c) => c.uses.length > 0);
    return this.constants.length !== before;
  }

  /**
   * Restores topological order after nodes were appended out of place (a pass inserting nodes before their
   * consumers): every node moves just after what it needs, the rest keeps its relative order.
   */
  sortNodes(): void {
    const placed = new Set<Node>();
    const sorted: Node[] = [];
    for (const root of this.nodes) {
      if (placed.has(root)) continue;
      // Iterative depth-first walk over producers, so long chains cannot overflow the stack.
      const stack: { node: Node; next: number }[] = [{ node: root, next: 0 }];
      const onStack = new Set<Node>([root]);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const producer = top.node.inputs[top.next++]?.producer;
        if (top.next > top.node.inputs.length) {
          placed.add(top.node);
          sorted.push(top.node);
          onStack.delete(top.node);
          stack.pop();
        } else if (producer && !placed.has(producer)) {
          if (onStack.has(producer)) throw new Error(`graph has a cycle through node '${producer.name}'`);
          onStack.add(producer);
          stack.push({ node: producer, next: 0 });
        }
      }
    }
    this.nodes = sorted;
  }

  countOps(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const node of this.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
    return counts;
  }
}
