// Public API of the quantizer (int8 QDQ, fp16).
export { quantizeModel, DEFAULT_CALIBRATION_COUNT, type QuantizeOptions, type Int8Options, type Fp16Options, type Precision, type QuantizationRecord, type QuantizeResult } from './quantize.ts';
export { compareWithFloat, checkAccuracyDrop, DEFAULT_MAX_ACCURACY_DROP, type QuantizedVerification } from './compare.ts';
export { openImages, type ImageSet } from './images.ts';
export { imageInputOf, imageInputOfModel, modelBatches, type ModelImageInput, type ModelBatch } from './model-input.ts';
export { CALIBRATION_METHODS, type CalibrationMethod } from './ranges.ts';
export { FLOAT32_OPS } from './convert-fp16.ts';
export { QuantizeError } from './errors.ts';
export { quantizeVerified, type VerifyQuantizedOptions, type VerifiedQuantization } from './verified.ts';
