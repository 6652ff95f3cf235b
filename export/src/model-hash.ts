// A fingerprint of a tfjs model — topology JSON plus every weight's bytes — written into the ONNX metadata
// so an exported file can be traced to the model it came from.
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';

export function modelSha256(model: tf.LayersModel): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(model.toJSON(null, false)));
  for (const weight of model.getWeights()) {
    const data = weight.dataSync();
    hash.update(weight.dtype).update(JSON.stringify(weight.shape));
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}
