// Test helpers of @onnx-edge/train (never imported by product code).
export { buildArchive, md5, serve } from './cifar-archive-server.ts';
export { checkSvgWellFormed } from './svg-check.ts';
export { assertMatchesCpu, convCases, convGradients, describeConv, onBackend, randomArrays, relativeError, type ConvCase } from './gradient-parity.ts';
