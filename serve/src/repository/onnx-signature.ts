// The inputs and outputs an ONNX file declares (names, element types, shapes), read from its graph, so that a
// repository's config.pbtxt is written from the model itself: any model the compiler exports — a graph model,
// a detector with several outputs, a quantized one with float16 or int8 tensors — gets the datatypes and dims
// it has, not those of the seed classifiers.
import { onnx } from '@onnx-edge/proto';
import { datatypeOfOrt, tritonTypeOf } from '../tensors/index.ts';

export interface OnnxTensor {
  name: string;
  /** Triton's data_type of the element type (model_config.proto's DataType), e.g. TYPE_FP32, TYPE_STRING. */
  tritonType: string;
  /** Dimensions; -1 where the file names a symbol (N, height, …) or gives none. */
  shape: number[];
}

const ELEMENT = onnx.TensorProto.DataType;
/** ONNX element types by the onnxruntime name the server's datatype table goes by. */
const ORT_NAMES: Partial<Record<number, string>> = {
  [ELEMENT.FLOAT]: 'float32', [ELEMENT.UINT8]: 'uint8', [ELEMENT.INT8]: 'int8', [ELEMENT.UINT16]: 'uint16', [ELEMENT.INT16]: 'int16',
  [ELEMENT.INT32]: 'int32', [ELEMENT.INT64]: 'int64', [ELEMENT.BOOL]: 'bool', [ELEMENT.FLOAT16]: 'float16', [ELEMENT.DOUBLE]: 'float64',
  [ELEMENT.UINT32]: 'uint32', [ELEMENT.UINT64]: 'uint64',
};
/** Types Triton names though this server does not serve them. */
const OTHER_TRITON_TYPES: Partial<Record<number, string>> = { [ELEMENT.STRING]: 'TYPE_STRING', [ELEMENT.BFLOAT16]: 'TYPE_BF16' };

/** A dimension's size; protobufjs decodes int64 as a Long where long.js is installed. */
function dimValue(dim: onnx.TensorShapeProto.IDimension): number | undefined {
  const value = dim.dimValue as number | { toNumber(): number } | null | undefined;
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : value.toNumber();
}

function tensorOf(value: onnx.IValueInfoProto, what: string): OnnxTensor {
  const type = value.type?.tensorType;
  const name = value.name ?? '';
  if (!type) throw new RangeError(`${what} '${name}' is not a tensor; config.pbtxt describes tensors only`);
  const elem = type.elemType ?? 0;
  const datatype = datatypeOfOrt(ORT_NAMES[elem] ?? '');
  const tritonType = datatype ? tritonTypeOf(datatype) : OTHER_TRITON_TYPES[elem];
  if (!tritonType) throw new RangeError(`${what} '${name}' has ONNX element type ${ELEMENT[elem] ?? elem}, which config.pbtxt has no data_type for`);
  const shape = (type.shape?.dim ?? []).map((d) => {
    const size = dimValue(d);
    return size !== undefined && size > 0 ? size : -1;
  });
  return { name, tritonType, shape };
}

/** The graph's inputs (initializers listed as inputs left out: they are weights) and outputs. */
export function onnxSignature(bytes: Uint8Array): { inputs: OnnxTensor[]; outputs: OnnxTensor[] } {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new RangeError(`the bytes are not an ONNX model (${(err as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new RangeError('the ONNX model has no graph');
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((v) => !weights.has(v.name)).map((v) => tensorOf(v, 'input')),
    outputs: (graph.output ?? []).map((v) => tensorOf(v, 'output')),
  };
}
