// Public API of @onnx-edge/serve.
export { writeModelToRepository, modelConfigFor, MODEL_NAME_PATTERN, type WriteModelOptions, type WrittenModel } from './repository/writer.ts';
export { readModelRepository, readModelFolder, modelFromFile, RepositoryError, type RepositoryModel } from './repository/reader.ts';
export { formatConfigPbtxt, parseConfigPbtxt, type ModelConfig, type TensorConfig } from './repository/config-pbtxt.ts';
export { startServer, DEFAULT_WEB_ROOT, type StartServerOptions, type RunningServer } from './server.ts';
export { createApp } from './app.ts';
export { settingsFromEnv, SERVER_OPTIONS, DEFAULTS as SERVER_DEFAULTS, type ServerSettings } from './config.ts';
export { HttpError } from './errors.ts';
export { createSession, runBatch, cudaLibraryInstalled, type ExecutionProvider } from './inference/session.ts';
