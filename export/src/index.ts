// Public API of the compiler.
export { exportModel, PRODUCER_VERSION, type ExportOptions, type ExportReport, type ExportResult } from './export.ts';
export { UnsupportedLayerError } from './frontend/errors.ts';
export { supportedClasses } from './frontend/handlers/index.ts';
export { DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, irVersionForOpset } from './onnx/versions.ts';
