// Public API of the compiler.
export { exportModel, PRODUCER_VERSION, type ExportOptions, type ExportReport, type ExportResult } from './export.ts';
export { UnsupportedLayerError } from './frontend/errors.ts';
export { layerHandlers, supportedClasses } from './frontend/handlers/index.ts';
export { DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, irVersionForOpset } from './onnx/versions.ts';
export { loadLayersModelFromDir, loadLayersModelFromFile, resolveModelJson, ModelFileError } from './io/load-model.ts';
export { verifyParity, checkParity, ParityError, PARITY_MAX_ABS_DIFF, type VerifyOptions } from './verify/parity.ts';
export { useVerificationBackend } from './verify/backend.ts';
