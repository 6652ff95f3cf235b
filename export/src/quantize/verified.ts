// Quantization with its verification, as the CLI and the export path run it: quantize, compare with the float
// original on real images, fail when the accuracy drop is too large (nothing is returned to write), else
// serialize again with the verified numbers in the quantization record.
import { readOnnxMetadata } from '@onnx-edge/core';
import { checkAccuracyDrop, compareWithFloat, type QuantizedVerification } from './compare.ts';
import { openImages } from './images.ts';
import { imageInputOf } from './model-input.ts';
import { quantizeModel, type QuantizationRecord, type QuantizeOptions } from './quantize.ts';

export interface VerifyQuantizedOptions {
  /** CIFAR-10 binary data or an image folder. */
  data: string;
  /** The first N images (default: all). */
  count?: number;
  /** Largest accepted accuracy drop, in percentage points. */
  maxAccuracyDrop: number;
  /** Called with the report before it is checked, so a failure still shows its numbers. */
  onReport?: (report: QuantizedVerification) => void;
}

export interface VerifiedQuantization {
  bytes: Uint8Array;
  record: QuantizationRecord;
  warnings: string[];
  verification?: QuantizedVerification;
}

export async function quantizeVerified(floatBytes: Uint8Array, options: QuantizeOptions, verify?: VerifyQuantizedOptions): Promise<VerifiedQuantization> {
  const result = await quantizeModel(floatBytes, options);
  const bytes = result.serialize();
  if (!verify) return { bytes, record: result.record, warnings: result.warnings };
  const metadata = readOnnxMetadata(floatBytes);
  const input = imageInputOf(result.graph, metadata);
  const images = await openImages(verify.data, { limit: verify.count, labels: input.labels ?? [] });
  const verification = await compareWithFloat(floatBytes, bytes, input, images);
  verify.onReport?.(verification);
  checkAccuracyDrop(verification, verify.maxAccuracyDrop, options.precision);
  return { bytes: result.serialize({ verification }), record: { ...result.record }, warnings: result.warnings, verification };
}
