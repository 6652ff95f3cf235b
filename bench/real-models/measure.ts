// One corpus model measured: export time (the first export, then the median of the rest), and onnxruntime-node
// on the export against tfjs on its WebAssembly backend on the same image, batch 1 at a fixed size: the
// peers run interleaved after warm-up and the figures are medians per call.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '@onnx-edge/core';
import { exportModel, loadLayersModelFromFile, loadPlugins } from '@onnx-edge/export';
import { ortSessionOptions } from '../inference/ort-options.ts';
import { interleave, median } from '../stats.ts';
import type { CorpusModel } from './corpus.ts';

export interface RealModelSettings {
  /** Height and width of the image (models with unknown dims take any; others keep their own size). */
  size: number;
  exports: number;
  warmup: number;
  rounds: number;
  threads: number;
}

export interface RealModelRow {
  model: string;
  parameters: number;
  nodes: number;
  /** The input shape measured, NHWC. */
  input: number[];
  exportColdMs: number;
  exportMs: number;
  ortMs: number;
  tfjsMs: number;
  ortImagesPerSecond: number;
  tfjsImagesPerSecond: number;
  ortOverTfjs: number;
}

export async function measureRealModel(model: CorpusModel, settings: RealModelSettings): Promise<RealModelRow> {
  const plugins = await loadPlugins(model.plugins);
  const tfModel = await loadLayersModelFromFile(model.modelJson);
  try {
    const times: number[] = [];
    let exported!: ReturnType<typeof exportModel>;
    for (let i = 0; i < settings.exports; i++) {
      const started = performance.now();
      exported = exportModel(tfModel, { plugins });
      times.push(performance.now() - started);
    }
    const [, height, width, channels] = tfModel.inputs[0]!.shape;
    const input = [1, height ?? settings.size, width ?? settings.size, channels ?? 3];
    const random = seededRandom(5);
    const pixels = Float32Array.from({ length: input.reduce((a, b) => a * b, 1) }, () => 255 * random());
    const nchw = tf.tidy(() => tf.tensor(pixels, input).transpose([0, 3, 1, 2]).dataSync() as Float32Array);
    const session = await ort.InferenceSession.create(exported.bytes, ortSessionOptions(settings.threads, true));
    const image = tf.tensor(pixels, input);
    try {
      const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', nchw, [input[0]!, input[3]!, input[1]!, input[2]!]) };
      const runOrt = () => session.run(feeds);
      const runTfjs = async () => {
        const out = tfModel.predict(image) as tf.Tensor;
        await out.data();
        out.dispose();
      };
      const [ortTimes, tfjsTimes] = await interleave([runOrt, runTfjs], settings.warmup, settings.rounds, { settleMs: 20 });
      const [ortMs, tfjsMs] = [median(ortTimes!), median(tfjsTimes!)];
      return {
        model: model.name,
        parameters: tfModel.countParams(),
        nodes: Object.values(exported.report.opCounts).reduce((a, b) => a + b, 0),
        input,
        exportColdMs: times[0]!,
        exportMs: median(times.length > 1 ? times.slice(1) : times),
        ortMs,
        tfjsMs,
        ortImagesPerSecond: 1000 / ortMs,
        tfjsImagesPerSecond: 1000 / tfjsMs,
        ortOverTfjs: tfjsMs / ortMs,
      };
    } finally {
      image.dispose();
      await session.release();
    }
  } finally {
    tfModel.dispose();
  }
}
