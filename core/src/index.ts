// @onnx-edge/core: what every package shares, browser-safe (no Node imports, nothing of ours imported).
// The server, the web demo, the compiler and the trainer read a model's contract from here, so they cannot drift.
export {
  CIFAR10_LABELS, IMAGE_SIZE, IMAGE_CHANNELS, INPUT_NAME, PROBABILITIES_NAME,
  INPUT_LAYOUTS, COLOR_ORDERS, INPUT_KINDS, OUTPUT_KINDS, SEED_IMAGE_INPUT, SEED_CONTRACT,
  channelsOf, isImageClassifier, describeInput, describeOutput, describeDataset, softmax, topK,
  type InputLayout, type ColorOrder, type InputKind, type OutputKind, type ImageInput, type TensorInput, type ModelOutput,
  type ModelContract, type Prediction, type ParityReport, type OutputParity, type TfjsDeviation,
} from './contract.ts';
export {
  METADATA_KEYS, METADATA_ENTRY_DOCS, ContractError, contractToMetadata, contractFromMetadata, parseRange, parseNumberList, parseColor, parseLabels,
  checkPerChannel,
} from './contract-metadata.ts';
export { imageToInput, inputSize, inputDims, type PixelSize } from './preprocess.ts';
export { readOnnxMetadata } from './onnx-metadata.ts';
export { AreaResizer, resizeByArea, type ResizeTarget } from './area-resize.ts';
export { sniffFormat, readImageHeader, type ImageFormat, type ImageHeader } from './image-header.ts';
export { FLOAT16_MAX, fromFloat16Bits, roundHalfToEven, toFloat16Bits } from './float16.ts';
export { seededRandom, permutation, uniform, type Random } from './random.ts';
export {
  NETWORK_NAMES, VARIANTS, BACKEND_CHOICES, KERNEL_CHOICES, EP_CHOICES, LOG_LEVELS,
  type NetworkName, type Variant, type BackendChoice, type KernelChoice, type EpChoice, type LogLevel,
} from './names.ts';
