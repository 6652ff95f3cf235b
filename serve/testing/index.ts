// Test helpers of @onnx-edge/serve, also used by bench's load generator (never imported by product code).
export { cifarSample, interleaved, pngOf, nchwOf, type CifarImage } from './cifar.ts';
export { ITEM_SIZE, toyProbabilities, toyRunner, toyApp, makeImage, toyFill, expectedToy, readJson, type ToyAppOptions } from './fixtures.ts';
export { HttpConnection, requestBytes, type HttpAnswer } from './http-connection.ts';
export { exportSeedNetwork, tfjsProbabilities, type ExportedModel } from './models.ts';
export { slowUpload, type SlowUpload } from './slow-upload.ts';
