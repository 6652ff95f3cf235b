// Public API of @onnx-edge/train: a plain list of re-exports.
export { buildNetwork, NETWORK_NAMES, VARIANTS, INPUT_SHAPE, type NetworkName, type Variant, type BuildOptions } from './networks/build.ts';
export { formatSummary, countParams, formatCount, type ParamCounts } from './networks/summary.ts';
export { saveModelToDir, loadModelFromDir, dirHandler, MODEL_JSON, WEIGHTS_FILE } from './networks/model-io.ts';
export { loadCifar, OFFICIAL_FOLDER, type LoadCifarOptions, type CifarSplit } from './data/reader.ts';
export { CIFAR10_CLASS_NAMES, CifarFormatError, classCounts, RECORD_BYTES, IMAGE_BYTES, type CifarDataset, type CifarFileInfo } from './data/format.ts';
export { batches, toNHWCFloat, toNCHWFloat, type Batch, type BatchOptions } from './data/batches.ts';
export { syntheticCifar, SYNTHETIC_CLASS_NAMES, type SyntheticOptions } from './data/synthetic.ts';
export { seededRandom, permutation } from './data/random.ts';
export { ArchiveError } from './data/tar.ts';
export { downloadCifar, defaultDataDir, md5File, DownloadError, CIFAR10_URL, CIFAR10_MD5, ARCHIVE_NAME, type DownloadOptions, type DownloadProgress, type DownloadResult } from './data/download.ts';
export { progressPrinter } from './data/progress.ts';
