// The ONNX IR schema as generated protobufjs classes (see scripts/generate.mjs). Only the exporter's back end
// and metadata readers import this package; the compiler's IR stays free of protobuf types.
export { onnx } from './generated/onnx.js';
