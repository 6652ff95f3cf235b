// The ONNX IR schema as generated protobufjs classes (see scripts/generate.mjs). The exporter's back end, the
// metadata readers and train's onnxruntime kernel graphs import this package; the compiler's IR stays free
// of protobuf types.
export { onnx } from './generated/onnx.js';
