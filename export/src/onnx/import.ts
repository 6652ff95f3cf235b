// The front end for ONNX files: ModelProto bytes → the compiler's IR, so that a model written by any tool can
// go through the IR passes (quantization) and the one serializer again. Like serialize.ts, the only kind of
// module that touches protobuf: what it returns is plain IR. Names are kept (graph inputs and outputs are the
// model's contract; intermediate names let calibration address tensors). Refused, each with one line naming
// the thing: subgraphs (If/Loop bodies), operators outside the default ONNX domain, external or sparse
// weights, element types the IR has no type for.
import { onnx } from '@onnx-edge/proto';
import { Graph, Value, type Attribute, type Dim } from '../ir/graph.ts';
import type { ConstTensor, DataType, TensorData } from '../ir/tensor.ts';
import { ELEM_TYPE } from './serialize.ts';

export class OnnxImportError extends Error {
  override name = 'OnnxImportError';
}

export interface ImportedModel {
  graph: Graph;
  /** Version of the default ONNX domain's operator set. */
  opset: number;
  /** metadata_props in file order. */
  metadata: [string, string][];
  producerName: string;
  producerVersion: string;
}

const DATA_TYPE_BY_ELEM = new Map<number, DataType>(Object.entries(ELEM_TYPE).map(([dtype, elem]) => [elem, dtype as DataType]));
const ELEM_NAMES = onnx.TensorProto.DataType as unknown as Record<number, string>;

function dataTypeOf(elem: number | null | undefined, what: string): DataType {
  const dtype = DATA_TYPE_BY_ELEM.get(elem ?? 0);
  if (!dtype) throw new OnnxImportError(`${what} has element type ${ELEM_NAMES[elem ?? 0] ?? elem}; supported: ${[...DATA_TYPE_BY_ELEM.values()].join(', ')}`);
  return dtype;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** int64 fields arrive as JS numbers (the generated code forces numbers): clamp what rounded past the range. */
function toInt64(value: number): bigint {
  const big = BigInt(Math.trunc(value));
  return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
}

/** Copies raw little-endian bytes into a fresh typed array of the tensor's type (raw_data may be unaligned). */
function fromRaw(dtype: DataType, raw: Uint8Array, count: number, what: string): TensorData {
  // A copy, not raw.slice(): on a Node Buffer slice() shares memory and .buffer is the whole pool.
  const bytes = new Uint8Array(raw.byteLength);
  bytes.set(raw);
  const copy = bytes.buffer;
  const data: TensorData = {
    float32: () => new Float32Array(copy),
    float16: () => new Uint16Array(copy),
    int64: () => new BigInt64Array(copy),
    int32: () => new Int32Array(copy),
    int8: () => new Int8Array(copy),
    uint8: () => new Uint8Array(copy),
    bool: () => new Uint8Array(copy),
  }[dtype]();
  if (data.length !== count) throw new OnnxImportError(`${what}: raw_data holds ${data.length} values for a shape of ${count}`);
  return data;
}

/** The typed fields: floats in float_data, 64-bit integers in int64_data, every narrower type in int32_data. */
function fromFields(dtype: DataType, tensor: onnx.ITensorProto, count: number, what: string): TensorData {
  const ints = tensor.int32Data ?? [];
  const data: TensorData = {
    float32: () => Float32Array.from(tensor.floatData ?? []),
    float16: () => Uint16Array.from(ints),
    int64: () => BigInt64Array.from(tensor.int64Data ?? [], toInt64),
    int32: () => Int32Array.from(ints),
    int8: () => Int8Array.from(ints),
    uint8: () => Uint8Array.from(ints),
    bool: () => Uint8Array.from(ints, (v) => (v ? 1 : 0)),
  }[dtype]();
  if (data.length !== count) throw new OnnxImportError(`${what}: holds ${data.length} values for a shape of ${count}`);
  return data;
}

export function tensorFromProto(tensor: onnx.ITensorProto, what: string): ConstTensor {
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0) {
    throw new OnnxImportError(`${what} keeps its data in an external file; load the model with its weights inlined (onnx.load + onnx.save without save_as_external_data)`);
  }
  if (tensor.segment) throw new OnnxImportError(`${what} is a segment of a larger tensor, which onnx-edge does not read`);
  const dtype = dataTypeOf(tensor.dataType, what);
  const shape = (tensor.dims ?? []).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const raw = tensor.rawData;
  const data = raw && raw.length > 0 ? fromRaw(dtype, raw, count, what) : fromFields(dtype, tensor, count, what);
  return { dtype, shape, data };
}

function attributeFromProto(attr: onnx.IAttributeProto, where: string): Attribute {
  const type = onnx.AttributeProto.AttributeType;
  const utf8 = new TextDecoder();
  switch (attr.type) {
    case type.INT: return { kind: 'int', value: Number(attr.i ?? 0) };
    case type.INTS: return { kind: 'ints', value: (attr.ints ?? []).map(Number) };
    case type.FLOAT: return { kind: 'float', value: attr.f ?? 0 };
    case type.FLOATS: return { kind: 'floats', value: [...(attr.floats ?? [])] };
    case type.STRING: return { kind: 'string', value: utf8.decode(attr.s ?? new Uint8Array()) };
    case type.STRINGS: return { kind: 'strings', value: (attr.strings ?? []).map((s) => utf8.decode(s)) };
    case type.TENSOR: return { kind: 'tensor', value: tensorFromProto(attr.t ?? {}, `attribute '${attr.name}' of ${where}`) };
    default:
      throw new OnnxImportError(`attribute '${attr.name}' of ${where} is a ${type[attr.type ?? 0] ?? attr.type}; onnx-edge reads models without subgraphs or typed attributes`);
  }
}

/** Fresh names for dimensions a file leaves unknown, so that no two of them claim to be equal. */
function shapeFromProto(type: onnx.ITypeProto | null | undefined, unknown: () => string): Dim[] | undefined {
  const dims = type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : d.dimParam || unknown()));
}

/** Element type of an output the file gives no type for; value_info normally says, this is the fallback. */
function inferredDtype(opType: string, index: number, inputs: Value[], attrs: Map<string, Attribute>): DataType {
  const to = attrs.get('to');
  if (opType === 'Cast' && to?.kind === 'int') return dataTypeOf(to.value, `Cast's 'to'`);
  const value = attrs.get('value');
  if ((opType === 'Constant' || opType === 'ConstantOfShape') && value?.kind === 'tensor') return value.value.dtype;
  if (opType === 'ConstantOfShape' || opType === 'DequantizeLinear') return 'float32';
  if (['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'NonMaxSuppression'].includes(opType)) return 'int64';
  if ((opType === 'MaxPool' || opType === 'TopK') && index === 1) return 'int64';
  if (['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf'].includes(opType)) return 'bool';
  if (opType === 'QuantizeLinear') return inputs[2]?.dtype ?? 'uint8';
  const data = opType === 'Where' ? inputs[1] : inputs.find((v) => v.name !== '');
  return data?.dtype ?? 'float32';
}

export function importModel(bytes: Uint8Array): ImportedModel {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxImportError(`not an ONNX model: ${(err as Error).message}`);
  }
  // decode() builds full messages: repeated fields are arrays, possibly empty.
  const proto = model.graph as onnx.GraphProto | null;
  if (!proto) throw new OnnxImportError('not an ONNX model: the file has no graph');
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!opset) throw new OnnxImportError('the model imports no version of the default ONNX operator set');

  const graph = new Graph(proto.name || 'graph');
  const values = new Map<string, Value>();
  let unknownDims = 0;
  const unknown = () => `unk__${unknownDims++}`;
  const declared = new Map<string, onnx.IValueInfoProto>();
  for (const info of [...proto.valueInfo, ...proto.output]) if (info.name) declared.set(info.name, info);

  for (const init of proto.initializer) {
    const name = init.name ?? '';
    values.set(name, graph.addConstant(name, tensorFromProto(init, `initializer '${name}'`)));
  }
  if ((proto.sparseInitializer?.length ?? 0) > 0) throw new OnnxImportError(`initializer '${proto.sparseInitializer[0]!.values?.name}' is sparse; onnx-edge reads dense initializers only`);
  for (const input of proto.input) {
    // IR < 4 lists initializers among the inputs as well: the initializer is the value.
    if (values.has(input.name ?? '')) continue;
    const dtype = dataTypeOf(input.type?.tensorType?.elemType, `graph input '${input.name}'`);
    values.set(input.name!, graph.addInput(input.name!, dtype, shapeFromProto(input.type, unknown) ?? []));
  }

  // Node names must not take a name some value will want: value names are the ones that matter.
  const valueNames = new Set<string>([...values.keys(), ...proto.node.flatMap((n) => n.output ?? [])]);
  for (const node of proto.node) {
    const where = `node '${node.name || node.opType}' of op '${node.opType}'`;
    if (node.domain && node.domain !== 'ai.onnx') throw new OnnxImportError(`${where} is in domain '${node.domain}'; onnx-edge reads operators of the default ONNX domain only`);
    const inputNames = [...(node.input ?? [])];
    while (inputNames.length > 0 && inputNames[inputNames.length - 1] === '') inputNames.pop();
    const inputs = inputNames.map((name) => {
      // An omitted optional input in the middle keeps its place as an unnamed value nobody produces.
      if (name === '') return new Value('', 'float32', undefined);
      const value = values.get(name);
      if (!value) throw new OnnxImportError(`${where} reads '${name}', which no earlier node, input or initializer defines (the file's nodes are not in topological order)`);
      return value;
    });
    const attributes: Record<string, Attribute> = {};
    for (const attr of node.attribute ?? []) attributes[attr.name ?? ''] = attributeFromProto(attr, where);
    const nodeName = node.name && !valueNames.has(node.name) ? node.name : `${node.name || node.opType}/node`;
    const outputNames = [...(node.output ?? [])];
    while (outputNames.length > 1 && outputNames[outputNames.length - 1] === '') outputNames.pop();
    const created = graph.addNode(node.opType ?? '', inputs, attributes, { name: nodeName, outputNames: outputNames.map((name, i) => name || `${nodeName}:omitted${i}`) });
    created.outputs.forEach((value, i) => {
      // An omitted optional output in the middle stays omitted (an empty name), as the file had it.
      if (outputNames[i] === '') {
        value.name = '';
        return;
      }
      const info = declared.get(outputNames[i]!);
      value.dtype = info?.type?.tensorType?.elemType
        ? dataTypeOf(info.type.tensorType.elemType, `value '${value.name}'`)
        : inferredDtype(created.opType, i, inputs, created.attributes);
      value.shape = shapeFromProto(info?.type, unknown);
      values.set(outputNames[i]!, value);
    });
  }

  for (const output of proto.output) {
    const value = values.get(output.name ?? '');
    if (!value) throw new OnnxImportError(`graph output '${output.name}' is not produced by any node, input or initializer`);
    graph.outputs.push(value);
  }
  const expected = [...proto.input.filter((p) => !values.get(p.name ?? '')?.constant), ...proto.output].map((p) => p.name);
  const renamed = [...graph.inputs, ...graph.outputs].findIndex((v, i) => v.name !== expected[i]);
  if (renamed >= 0) throw new OnnxImportError(`graph input/output '${expected[renamed]}' could not keep its name (it collides with another name in the file)`);
  return {
    graph,
    opset: Number(opset.version),
    metadata: model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']),
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
  };
}
