// Tensors of any datatype: the name table (KServe, onnxruntime, Triton), float16, and the tensor itself.
export {
  DATATYPES, DATATYPE_LIST, allocate, asBytes, bytesPerElement, datatypeOfOrt, datatypeOfTriton, fromBytes, holds, isDatatype, ortTypeOf,
  tritonTypeOf, viewAs, type Datatype, type TensorArray,
} from './datatypes.ts';
export { elementCount, floatValues, shapeFits, shapeText, splitRows, stackRows, type NamedTensor, type Tensor, type TensorSpec } from './tensor.ts';
