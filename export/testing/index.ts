// Test helpers of @onnx-edge/export: the official ONNX checker, tfjs-vs-onnxruntime parity assertions, and
// the corpus of real tfjs models (npm devDependencies).
export { CHECKER_MAX_OPSET, checkerUnavailable, checkModel } from './checker.ts';
export { ABS_TOLERANCE, REL_TOLERANCE, singleLayerModel, randomizeWeights, assertParity, type ParityOptions, type ParityResult } from './parity.ts';
export { smallClassifier, smallClassifierOnnx, trainedSmallClassifierOnnx, ortOptimizedOps } from './quantize-fixtures.ts';
export { corpusModels, CORPUS_PACKAGES, type CorpusModel } from './model-corpus.ts';
export { attr, assertGraphParity, GraphBuilder, type GraphParityOptions, type GraphParityResult } from './graph-parity.ts';
export { transposesBetweenConvolutions } from './transposes.ts';
export { GRAPH_CORPUS, graphCorpusMissing, graphCorpusPath, HUMAN_MODELS, WIDER_ATOL, type GraphCorpusModel } from './graph-corpus.ts';
