// Public API of @onnx-edge/train: a plain list of re-exports.
export { buildNetwork, NETWORK_NAMES, VARIANTS, INPUT_SHAPE, type NetworkName, type Variant, type BuildOptions } from './networks/build.ts';
export { formatSummary, countParams, formatCount, type ParamCounts } from './networks/summary.ts';
export { saveModelToDir, loadModelFromDir, dirHandler, MODEL_JSON, WEIGHTS_FILE } from './networks/model-io.ts';
