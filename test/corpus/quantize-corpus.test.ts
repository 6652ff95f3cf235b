// The quantizer on the real-model corpus: every public tfjs model among the devDependencies that the
// compiler exports is quantized to int8 (calibrated on real CIFAR-10 images) and to fp16, checked by the
// official checker, run by onnxruntime, and compared with its float export on other real images. A model
// the quantizer refuses must be refused for a reason it names (nothing to quantize); the test's diagnostics
// list what quantized and how closely it follows the float model.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { exportModel, loadLayersModelFromFile, useVerificationBackend } from '@onnx-edge/export';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { imageInputOfModel, modelBatches, openImages, QuantizeError, quantizeModel, type QuantizeOptions } from '@onnx-edge/export/quantize';
import { checkModel } from '@onnx-edge/export/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = sharedData('cifar10-sample');
const train = sharedData('cifar10-train');
const skip = sharedDataSkip('cifar10-sample', 'cifar10-train');
/** Corpus packages holding tfjs layers models (model.json with a modelTopology). */
const PACKAGES = ['node_modules/@upscalerjs/esrgan-slim/models', 'node_modules/@upscalerjs/models/models'];

function modelFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return modelFiles(path);
    return entry === 'model.json' ? [path] : [];
  });
}

/** The float export, or why the compiler does not take the model (yet): that is the compiler's corpus test's business. */
async function floatExport(file: string): Promise<Uint8Array | string> {
  try {
    const model = await loadLayersModelFromFile(file);
    const { bytes } = exportModel(model);
    model.dispose();
    return bytes;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** Largest |Δ| over the reference's value range, and the PSNR of the quantized output against the float one. */
async function follow(floatBytes: Uint8Array, quantizedBytes: Uint8Array): Promise<{ relative: number; psnr: number }> {
  const input = imageInputOfModel(floatBytes);
  // The test images: calibration ran on training images.
  const images = await openImages(sample, { limit: 8, labels: [] });
  const { value: batch } = await modelBatches(input, images, 8).next();
  const feeds = { [input.name]: new ort.Tensor('float32', batch!.data, batch!.dims) };
  const outputs: Float32Array[] = [];
  for (const bytes of [floatBytes, quantizedBytes]) {
    const session = await ort.InferenceSession.create(bytes);
    outputs.push((await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array);
    await session.release();
  }
  const [reference, quantized] = outputs as [Float32Array, Float32Array];
  let lo = Infinity;
  let hi = -Infinity;
  let worst = 0;
  let squared = 0;
  for (let i = 0; i < reference.length; i++) {
    lo = Math.min(lo, reference[i]!);
    hi = Math.max(hi, reference[i]!);
    const diff = Math.abs(quantized[i]! - reference[i]!);
    worst = Math.max(worst, diff);
    squared += diff * diff;
  }
  const range = hi - lo;
  return { relative: worst / range, psnr: 10 * Math.log10((range * range) / (squared / reference.length)) };
}

before(async () => {
  await useVerificationBackend();
});

for (const file of PACKAGES.flatMap((dir) => modelFiles(join(root, dir)))) {
  const name = file.slice(root.length).replace('node_modules/', '');
  test(`corpus: ${name} quantizes to int8 and fp16, runs in onnxruntime and follows its float export`, { skip }, async (t) => {
    const floatBytes = await floatExport(file);
    if (typeof floatBytes === 'string') return t.skip(`not exported by the compiler: ${floatBytes.split('\n')[0]}`);
    const precisions: [QuantizeOptions, number][] = [
      [{ precision: 'int8', calibration: train, calibrationCount: 32 }, 40],
      [{ precision: 'fp16' }, 60],
    ];
    for (const [options, minPsnr] of precisions) {
      let bytes: Uint8Array;
      try {
        bytes = (await quantizeModel(floatBytes, options)).serialize();
      } catch (err) {
        assert.ok(err instanceof QuantizeError, `${(err as Error).name}: ${(err as Error).message}`);
        assert.match(err.message, /has no Conv, Gemm or MatMul/);
        t.diagnostic(`${options.precision}: refused: ${err.message}`);
        continue;
      }
      checkModel(bytes); // exports are opset 17, which the checker knows
      const { relative, psnr } = await follow(floatBytes, bytes);
      t.diagnostic(`${options.precision}: ${bytes.length} bytes (float ${floatBytes.length}); max |Δ| ${(100 * relative).toFixed(2)}% of the output range, PSNR ${psnr.toFixed(1)} dB`);
      assert.ok(psnr >= minPsnr, `${options.precision}: PSNR ${psnr.toFixed(1)} dB against the float export, below ${minPsnr} dB`);
    }
  });
}
