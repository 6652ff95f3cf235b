// The tensor element types the server takes and gives, under each name they go by: KServe v2's datatype
// ('FP32'), onnxruntime's tensor type ('float32', also the exporter's dtype names), Triton's config.pbtxt
// data_type ('TYPE_FP32'), with their size in bytes and the typed array that holds them. One table, so the v2
// routes, the model checks and the repository's config.pbtxt cannot disagree; it covers the int8 and fp16
// models quantization writes. BYTES (strings) and BF16 have no onnxruntime-node tensor the server can feed,
// and are refused by name.

export const DATATYPES = ['BOOL', 'UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'UINT64', 'INT64', 'FP16', 'FP32', 'FP64'] as const;
export type Datatype = (typeof DATATYPES)[number];

/** The typed array of each datatype: BOOL as bytes 0/1, FP16 as its bit patterns. */
export type TensorArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

type ArrayConstructor = {
  new (length: number): TensorArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorArray;
  BYTES_PER_ELEMENT: number;
};

interface DatatypeInfo {
  /** onnxruntime's tensor type (and the ONNX exporter's dtype name). */
  ort: string;
  /** Triton's model_config.proto DataType. */
  triton: string;
  array: ArrayConstructor;
}

const INFO: Record<Datatype, DatatypeInfo> = {
  BOOL: { ort: 'bool', triton: 'TYPE_BOOL', array: Uint8Array },
  UINT8: { ort: 'uint8', triton: 'TYPE_UINT8', array: Uint8Array },
  INT8: { ort: 'int8', triton: 'TYPE_INT8', array: Int8Array },
  UINT16: { ort: 'uint16', triton: 'TYPE_UINT16', array: Uint16Array },
  INT16: { ort: 'int16', triton: 'TYPE_INT16', array: Int16Array },
  UINT32: { ort: 'uint32', triton: 'TYPE_UINT32', array: Uint32Array },
  INT32: { ort: 'int32', triton: 'TYPE_INT32', array: Int32Array },
  UINT64: { ort: 'uint64', triton: 'TYPE_UINT64', array: BigUint64Array },
  INT64: { ort: 'int64', triton: 'TYPE_INT64', array: BigInt64Array },
  FP16: { ort: 'float16', triton: 'TYPE_FP16', array: Uint16Array },
  FP32: { ort: 'float32', triton: 'TYPE_FP32', array: Float32Array },
  FP64: { ort: 'float64', triton: 'TYPE_FP64', array: Float64Array },
};

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('binary tensor data is little-endian; this server needs a little-endian host');
}

export const isDatatype = (name: unknown): name is Datatype => typeof name === 'string' && (DATATYPES as readonly string[]).includes(name);

const byOrt = new Map(DATATYPES.map((d) => [INFO[d].ort, d]));
const byTriton = new Map(DATATYPES.map((d) => [INFO[d].triton, d]));

/** The datatype of an onnxruntime tensor type ('float32' → FP32); undefined for strings and other kinds. */
export const datatypeOfOrt = (type: string): Datatype | undefined => byOrt.get(type);
/** The datatype of a config.pbtxt data_type ('TYPE_FP32' → FP32); undefined for TYPE_STRING and TYPE_BF16. */
export const datatypeOfTriton = (type: string): Datatype | undefined => byTriton.get(type);
export const ortTypeOf = (datatype: Datatype): string => INFO[datatype].ort;
export const tritonTypeOf = (datatype: Datatype): string => INFO[datatype].triton;
export const bytesPerElement = (datatype: Datatype): number => INFO[datatype].array.BYTES_PER_ELEMENT;

/** Words for messages: "FP32, FP16, INT64, …". */
export const DATATYPE_LIST = DATATYPES.join(', ');

export function allocate(datatype: Datatype, length: number): TensorArray {
  return new INFO[datatype].array(length);
}

/** Whether `data` is the typed array `datatype` is held in. */
export function holds(datatype: Datatype, data: TensorArray): boolean {
  return data instanceof INFO[datatype].array;
}

/** A copy of little-endian tensor bytes as the datatype's array (aligned, owning its memory). */
export function fromBytes(datatype: Datatype, bytes: Uint8Array): TensorArray {
  const array = allocate(datatype, bytes.length / bytesPerElement(datatype));
  new Uint8Array(array.buffer).set(bytes);
  return array;
}

/** The bytes of a tensor's data (a view, not a copy), as the binary tensor extension sends them. */
export function asBytes(data: TensorArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Reinterprets an array's memory as the datatype's array, e.g. a Float16Array onnxruntime gives as Uint16Array. */
export function viewAs(datatype: Datatype, data: ArrayBufferView): TensorArray {
  const { array } = INFO[datatype];
  return data instanceof array ? (data as TensorArray) : new array(data.buffer, data.byteOffset, data.byteLength / array.BYTES_PER_ELEMENT);
}
