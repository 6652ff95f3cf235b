// A small ONNX graph for one training kernel: float32 inputs and outputs (the batch may be symbolic), nodes
// with int/ints/float attributes and int64 constants, serialized as a ModelProto for onnxruntime. The
// compiler's IR (export/) is the place for whole networks; these graphs have a handful of nodes each.
import { onnx } from '@onnx-edge/proto';

export type Dim = number | string;
export type AttributeValue = number | readonly number[] | { float: number } | { string: string };

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const ATTRIBUTE = onnx.AttributeProto.AttributeType;
/** onnxruntime 1.30 runs opset 17 with everything these graphs use; IR version 8 goes with it. */
const OPSET = 17;
const IR_VERSION = 8;

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: ATTRIBUTE.INT, i: value };
  if ('float' in value) return { name, type: ATTRIBUTE.FLOAT, f: value.float };
  if ('string' in value) return { name, type: ATTRIBUTE.STRING, s: new TextEncoder().encode(value.string) };
  return { name, type: ATTRIBUTE.INTS, ints: [...value] };
}

function valueInfo(name: string, shape: readonly Dim[]): onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

export class KernelGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly constants: onnx.ITensorProto[] = [];
  private nextName = 0;

  constructor(private readonly name: string) {}

  input(name: string, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, shape));
    return name;
  }

  /** Adds a node with several outputs; returns their names. */
  multiNode(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const names = Array.from({ length: outputs }, () => `${opType.toLowerCase()}${this.nextName++}`);
    this.nodes.push({ opType, input: [...inputs], output: names, attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return names;
  }

  /**
   * Makes `value` the graph output `name`: the node computing it writes under that name, so onnxruntime
   * writes straight into the caller's preallocated buffer (an Identity or Reshape last would add a copy).
   */
  output(name: string, shape: readonly Dim[], value: string): void {
    const producer = this.nodes.find((n) => n.output!.includes(value));
    if (!producer || this.nodes.some((n) => n.input!.includes(value))) throw new Error(`kernel graph '${this.name}': '${value}' is not the result of a last node`);
    producer.output = producer.output!.map((o) => (o === value ? name : o));
    this.outputs.push(valueInfo(name, shape));
  }

  /** An int64 constant (shapes, axes, starts of a Slice). */
  int64s(values: readonly number[]): string {
    const name = `const${this.nextName++}`;
    this.constants.push({ name, dims: [values.length], dataType: INT64, int64Data: [...values] });
    return name;
  }

  /** A float32 scalar constant (Clip's bounds). */
  float32Scalar(value: number): string {
    const name = `const${this.nextName++}`;
    this.constants.push({ name, dims: [], dataType: FLOAT, floatData: [value] });
    return name;
  }

  /** Adds a node; returns the name of its output. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const out = `${opType.toLowerCase()}${this.nextName++}`;
    this.nodes.push({ opType, input: [...inputs], output: [out], attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return out;
  }

  toBytes(): Uint8Array {
    return onnx.ModelProto.encode({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'onnx-edge-train',
      graph: { name: this.name, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.constants },
    }).finish();
  }
}
