// The back end: IR Graph → ONNX ModelProto bytes. The only module of the compiler that touches protobuf.
// Output is deterministic: nodes, initializers and metadata in a fixed order, no timestamps.
import { onnx } from '@onnx-edge/proto';
import { UNKNOWN_DIM } from '../ir/dims.ts';
import type { Attribute, Dim, Graph, Value } from '../ir/graph.ts';
import type { ConstTensor, DataType } from '../ir/tensor.ts';
import { irVersionForOpset } from './versions.ts';

export interface SerializeOptions {
  opset: number;
  producerVersion: string;
  /** metadata_props in this order. */
  metadata: readonly [string, string][];
  docString?: string;
}

export const ELEM_TYPE: Record<DataType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

const ATTRIBUTE_TYPE = onnx.AttributeProto.AttributeType;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('ONNX raw_data is little-endian; this exporter needs a little-endian host');
}

function tensorProto(name: string, tensor: ConstTensor): onnx.ITensorProto {
  const data = tensor.data;
  return {
    name,
    dims: tensor.shape,
    dataType: ELEM_TYPE[tensor.dtype],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function attributeProto(name: string, attr: Attribute): onnx.IAttributeProto {
  switch (attr.kind) {
    case 'int': return { name, type: ATTRIBUTE_TYPE.INT, i: attr.value };
    case 'ints': return { name, type: ATTRIBUTE_TYPE.INTS, ints: attr.value };
    case 'float': return { name, type: ATTRIBUTE_TYPE.FLOAT, f: attr.value };
    case 'floats': return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: attr.value };
    case 'string': return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(attr.value) };
    case 'strings': return { name, type: ATTRIBUTE_TYPE.STRINGS, strings: attr.value.map((v) => new TextEncoder().encode(v)) };
    case 'tensor': return { name, type: ATTRIBUTE_TYPE.TENSOR, t: tensorProto(name, attr.value) };
  }
}

/** A number, a symbol (dim_param), or UNKNOWN_DIM: a dimension with neither, which ONNX reads as unknown. */
function dimProto(dim: Dim): onnx.TensorShapeProto.IDimension {
  if (dim === UNKNOWN_DIM) return {};
  return typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim };
}

function valueInfo(value: Value): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: ELEM_TYPE[value.dtype] };
  if (value.shape) tensorType.shape = { dim: value.shape.map(dimProto) };
  return { name: value.name, type: { tensorType } };
}

export function serializeModel(graph: Graph, options: SerializeOptions): Uint8Array {
  const outputs = new Set(graph.outputs);
  const intermediate = graph.nodes.flatMap((n) => n.outputs).filter((v) => !outputs.has(v));
  const model: onnx.IModelProto = {
    irVersion: irVersionForOpset(options.opset),
    opsetImport: [{ domain: '', version: options.opset }],
    producerName: 'onnx-edge',
    producerVersion: options.producerVersion,
    docString: options.docString ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: node.inputs.map((v) => v.name),
        output: node.outputs.map((v) => v.name),
        attribute: [...node.attributes].map(([name, attr]) => attributeProto(name, attr)),
      })),
      initializer: graph.constants.map((c) => tensorProto(c.name, c.constant!)),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      valueInfo: intermediate.map(valueInfo),
    },
    metadataProps: options.metadata.map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(model).finish();
}
