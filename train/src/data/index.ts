// @onnx-edge/train/data: the datasets without tfjs — the CIFAR-10 reader and format, the synthetic set — for
// code that only needs images (the web demo's build writes example images from them).
export { loadCifar, OFFICIAL_FOLDER, type LoadCifarOptions, type CifarSplit } from './reader.ts';
export { CifarFormatError, IMAGE_BYTES, IMAGE_SIDE, PLANE_BYTES, RECORD_BYTES, type CifarDataset } from './format.ts';
export { syntheticCifar, SYNTHETIC_CLASS_NAMES } from './synthetic.ts';
export { defaultDataDir } from './download.ts';
