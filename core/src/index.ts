// @onnx-edge/core: what every package shares, browser-safe (no Node imports, nothing of ours imported).
// The server, the web demo, the compiler and the trainer read a model's contract from here, so they cannot drift.
export {
  CIFAR10_LABELS, IMAGE_SIZE, IMAGE_CHANNELS, INPUT_NAME, PROBABILITIES_NAME, METADATA_KEYS,
  pixelsToInput, softmax, topK, labelsFromMetadata,
  type InputLayout, type Prediction, type ParityReport,
} from './contract.ts';
export { readOnnxMetadata } from './onnx-metadata.ts';
export { AreaResizer, resizeToNetwork } from './area-resize.ts';
export { sniffFormat, readImageHeader, type ImageFormat, type ImageHeader } from './image-header.ts';
export { seededRandom, permutation, uniform, type Random } from './random.ts';
export {
  NETWORK_NAMES, VARIANTS, BACKEND_CHOICES, KERNEL_CHOICES, EP_CHOICES, LOG_LEVELS,
  type NetworkName, type Variant, type BackendChoice, type KernelChoice, type EpChoice, type LogLevel,
} from './names.ts';
