// The quantizer on the real-model corpus: every public tfjs layers model among the devDependencies (the
// corpus bench and docs/REAL-MODELS.md use, with the plugins its custom classes need) is exported, quantized
// to int8 (calibrated on real CIFAR-10 images) and to fp16, checked by the official checker, run by
// onnxruntime, and compared with its float export on other real images. A model the quantizer refuses must
// be refused for a reason it names (nothing to quantize); the test's diagnostics list what quantized and how
// closely it follows the float model.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { corpusModels, type CorpusModel } from '@onnx-edge/bench/real-models';
import { exportModel, loadLayersModelFromFile, loadPlugins, useVerificationBackend } from '@onnx-edge/export';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { imageInputOfModel, modelBatches, openImages, QuantizeError, quantizeModel, type QuantizeOptions } from '@onnx-edge/export/quantize';
import { checkModel } from '@onnx-edge/export/testing';

const sample = sharedData('cifar10-sample');
const train = sharedData('cifar10-train');
const skip = sharedDataSkip('cifar10-sample', 'cifar10-train');

/** The float export, as `onnx-edge export --plugin …` makes it (the compiler's corpus test verifies it). */
async function floatExport(corpusModel: CorpusModel): Promise<Uint8Array> {
  const plugins = await loadPlugins(corpusModel.plugins);
  const model = await loadLayersModelFromFile(corpusModel.modelJson);
  try {
    return exportModel(model, { plugins }).bytes;
  } finally {
    model.dispose();
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

for (const corpusModel of corpusModels()) {
  test(`corpus: ${corpusModel.name} quantizes to int8 and fp16, runs in onnxruntime and follows its float export`, { skip }, async (t) => {
    const floatBytes = await floatExport(corpusModel);
    // PSNR floors against the float export. int8: the upscalers with a few dozen layers follow at 48–52 dB;
    // the GAN's 23 residual-in-residual dense blocks (447 nodes) at 39–40 dB under every calibration method,
    // count and with the first and last layers kept float (measured), so the floor is set under that.
    const precisions: [QuantizeOptions, number][] = [
      [{ precision: 'int8', calibration: train, calibrationCount: 32 }, 36],
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
