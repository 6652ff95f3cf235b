// Small ONNX models written by hand through the ONNX schema (@onnx-edge/proto), for tests of what the
// compiler's exports do not have: inputs and outputs of every datatype the server takes, several of each, a
// model without a batch dimension, a file that carries no contract. onnxruntime runs them like any model.
import { onnx } from '@onnx-edge/proto';

const T = onnx.TensorProto.DataType;
export const ELEMENT_TYPES = { FP32: T.FLOAT, FP16: T.FLOAT16, FP64: T.DOUBLE, INT64: T.INT64, INT32: T.INT32, INT8: T.INT8, UINT8: T.UINT8, BOOL: T.BOOL, STRING: T.STRING } as const;
export type ElementName = keyof typeof ELEMENT_TYPES;

export interface TensorDecl {
  name: string;
  type: ElementName;
  /** Numbers, or names for symbolic dimensions. */
  shape: (number | string)[];
}

interface NodeDecl {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: onnx.IAttributeProto[];
}

function valueInfo({ name, type, shape }: TensorDecl): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: ELEMENT_TYPES[type], shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** A model's bytes: its inputs, outputs, nodes, constants and metadata_props. */
export function onnxModel(options: {
  inputs: TensorDecl[];
  outputs: TensorDecl[];
  nodes?: NodeDecl[];
  constants?: onnx.ITensorProto[];
  metadata?: Record<string, string>;
}): Uint8Array {
  // A plain Uint8Array (protobufjs gives a Buffer under Node), so that bytes compare equal to a file's.
  return new Uint8Array(onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'onnx-edge tests',
    graph: {
      name: 'hand-written',
      input: options.inputs.map(valueInfo),
      output: options.outputs.map(valueInfo),
      node: (options.nodes ?? []).map((n, i) => ({ name: `n${i}`, opType: n.op, input: n.inputs, output: n.outputs, attribute: n.attributes ?? [] })),
      initializer: options.constants ?? [],
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }).finish());
}

const castTo = (to: number): onnx.IAttributeProto => ({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to });

/**
 * A model of every datatype, batched along N, each input [N,4]:
 * x FP32, h FP16, l INT64, i INT32, u UINT8, b BOOL →
 * sum FP32 = x + h + l + i + u + b (each cast to float32), half FP16 = sum as float16, next INT64 = l + 1,
 * negated INT32 = −i, same UINT8 = u, not BOOL = ¬b.
 */
export function everyDatatypeModel(metadata?: Record<string, string>): Uint8Array {
  const inputs: TensorDecl[] = [
    { name: 'x', type: 'FP32', shape: ['N', 4] }, { name: 'h', type: 'FP16', shape: ['N', 4] }, { name: 'l', type: 'INT64', shape: ['N', 4] },
    { name: 'i', type: 'INT32', shape: ['N', 4] }, { name: 'u', type: 'UINT8', shape: ['N', 4] }, { name: 'b', type: 'BOOL', shape: ['N', 4] },
  ];
  const casts: NodeDecl[] = inputs.slice(1).map((input) => ({ op: 'Cast', inputs: [input.name], outputs: [`${input.name}_f`], attributes: [castTo(T.FLOAT)] }));
  const sums: NodeDecl[] = casts.map((cast, k) => ({ op: 'Add', inputs: [k === 0 ? 'x' : `s${k - 1}`, cast.outputs[0]!], outputs: [k === casts.length - 1 ? 'sum' : `s${k}`] }));
  return onnxModel({
    inputs,
    outputs: [
      { name: 'sum', type: 'FP32', shape: ['N', 4] }, { name: 'half', type: 'FP16', shape: ['N', 4] }, { name: 'next', type: 'INT64', shape: ['N', 4] },
      { name: 'negated', type: 'INT32', shape: ['N', 4] }, { name: 'same', type: 'UINT8', shape: ['N', 4] }, { name: 'not', type: 'BOOL', shape: ['N', 4] },
    ],
    nodes: [
      ...casts,
      ...sums,
      { op: 'Cast', inputs: ['sum'], outputs: ['half'], attributes: [castTo(T.FLOAT16)] },
      { op: 'Add', inputs: ['l', 'one'], outputs: ['next'] },
      { op: 'Neg', inputs: ['i'], outputs: ['negated'] },
      { op: 'Identity', inputs: ['u'], outputs: ['same'] },
      { op: 'Not', inputs: ['b'], outputs: ['not'] },
    ],
    constants: [{ name: 'one', dataType: T.INT64, dims: [1], int64Data: [1] }],
    ...(metadata ? { metadata } : {}),
  });
}

/** A model without a batch dimension: x FP32 [2,3] → doubled FP32 [2,3]. */
export function fixedShapeModel(): Uint8Array {
  return onnxModel({
    inputs: [{ name: 'x', type: 'FP32', shape: [2, 3] }],
    outputs: [{ name: 'doubled', type: 'FP32', shape: [2, 3] }],
    nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['doubled'] }],
  });
}
