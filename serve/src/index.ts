// Public API of @onnx-edge/serve.
export { writeModelToRepository, modelConfigFor, MODEL_NAME_PATTERN, type WriteModelOptions, type WrittenModel } from './repository/writer.ts';
export { readModelRepository, readModelFolder, modelFromFile, RepositoryError, type RepositoryModel } from './repository/reader.ts';
export { formatConfigPbtxt, parseConfigPbtxt, type ModelConfig, type TensorConfig } from './repository/config-pbtxt.ts';
