// Public API of the compiler.
export { exportModel, PRODUCER_VERSION, type ExportOptions, type ExportReport, type ExportResult } from './export.ts';
export { ContractHintError, hintsFromUserMetadata, type ContractHints } from './contract.ts';
export { UnsupportedLayerError } from './frontend/errors.ts';
export { layerHandlers, supportedClasses } from './frontend/handlers/index.ts';
export { DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, irVersionForOpset } from './onnx/versions.ts';
export { loadLayersModelFromDir, loadLayersModelFromFile, readLayersModel, resolveModelJson, ModelFileError, type LoadedLayersModel } from './io/load-model.ts';
export { readWeights, parseWeightsManifest, decodeWeight, nonFiniteWeights, type NamedWeight, type WeightEntry, type WeightsGroup } from './io/weights.ts';
export { readModelJson, modelFormat, type ModelJson, type ModelFormat } from './io/model-json.ts';
export { readRegularFile } from './io/model-files.ts';
export { refuseOutputOverInput } from './io/output-path.ts';
export { verifyParity, checkParity, describeParity, ParityError, PARITY_MAX_ABS_DIFF, DEFAULT_ATOL, DEFAULT_RTOL, type VerifyOptions } from './verify/parity.ts';
export { useVerificationBackend } from './verify/backend.ts';
export { rangeFromContract } from './verify/inputs.ts';
export { loadPlugins, NO_PLUGINS, type PluginSet } from './plugins/load.ts';
export { PluginError } from './plugins/errors.ts';
export type { OnnxEdgePlugin, PluginApi, LoweringBuilder, PluginTensor, OpLayout, OpOptions, LayerClass, Lowering } from './plugins/api.ts';
export { evaluateDim, UNKNOWN_DIM } from './ir/dims.ts';
// The graph-model front end (tfjs-converter output) and its verification against tf.loadGraphModel.
export { exportGraphModel, type GraphExportOptions } from './graph/export.ts';
export { loadGraphModelSource, graphModelSourceFromArtifacts, tfjsHandler as graphModelIOHandler, type GraphModelSource } from './graph/load.ts';
export { UnsupportedOpError, UnsupportedOpsError, GraphStructureError } from './graph/errors.ts';
export { opHandlers, supportedOps } from './graph/ops/index.ts';
export { resizeModes } from './graph/ops/resize.ts';
export { verifyGraphModel, checkGraphParity, type GraphParityReport, type GraphVerifyOptions } from './verify/graph-parity.ts';
