// Test helpers of @onnx-edge/export: the official ONNX checker and tfjs-vs-onnxruntime parity assertions.
export { CHECKER_MAX_OPSET, checkerUnavailable, checkModel } from './checker.ts';
export { ABS_TOLERANCE, REL_TOLERANCE, singleLayerModel, randomizeWeights, assertParity, type ParityOptions, type ParityResult } from './parity.ts';
export { smallClassifier, smallClassifierOnnx, trainedSmallClassifierOnnx, ortOptimizedOps } from './quantize-fixtures.ts';
