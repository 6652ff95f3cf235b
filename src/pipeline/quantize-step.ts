// The pipeline's optional quantization (--precision int8|fp16): the run's verified float model.onnx →
// model-<precision>.onnx beside it, calibrated (int8) on the training images, verified against the float
// model on held-out images (a drop beyond the default allowance fails the run), and written into the model
// repository as a second model, <name>-<precision>, served beside the float one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@onnx-edge/core/node';
import { DEFAULT_MAX_ACCURACY_DROP, quantizeVerified, type Precision } from '@onnx-edge/export/quantize';
import { writeModelToRepository, type WrittenModel } from '@onnx-edge/serve';
import { displayPath } from './display-path.ts';
import type { HeldOutImages } from './held-out.ts';

export interface QuantizeRunOptions {
  runDir: string;
  precision: Precision;
  /** The training images (a CIFAR-10 source), which int8 calibrates on. */
  trainingData: string;
  heldOut: HeldOutImages;
  repo: string;
  name: string;
  labels: string[];
  log: (line: string) => void;
}

/** Passes on every 25% of the way (a line each, as the rest of the pipeline's log). */
function quarterly(report: (done: number, total: number) => void): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const quarter = Math.floor((4 * done) / total);
    if (quarter > last) report(done, total);
    last = Math.max(last, quarter);
  };
}

export async function quantizeRun(options: QuantizeRunOptions): Promise<WrittenModel> {
  const { runDir, precision, heldOut, log } = options;
  const floatBytes = await readFile(join(runDir, 'model.onnx'));
  log(`quantize: ${precision}${precision === 'int8' ? ` calibrated on the first images of ${displayPath(options.trainingData)}` : ''}, verified against the float model on ${heldOut.description}`);
  const result = await quantizeVerified(
    floatBytes,
    precision === 'int8' ? { precision, calibration: options.trainingData, onProgress: quarterly((done, total) => log(`quantize: calibrated on ${done}/${total} images`)) } : { precision },
    {
      data: heldOut.path,
      count: heldOut.count,
      maxAccuracyDrop: DEFAULT_MAX_ACCURACY_DROP,
      onReport: (r) => log(`quantize: top-1 agreement ${(100 * r.top1Agreement).toFixed(1)}%, max |Δp| ${r.maxAbsDiff.toExponential(2)}${r.accuracyDrop === undefined ? '' : `, accuracy ${(100 * r.floatAccuracy!).toFixed(1)}% → ${(100 * r.quantizedAccuracy!).toFixed(1)}%`}`),
    },
  );
  for (const warning of result.warnings) log(`quantize: warning: ${warning}`);
  const path = join(runDir, `model-${precision}.onnx`);
  await writeFileAtomic(path, result.bytes);
  const written = await writeModelToRepository({
    repo: options.repo,
    name: `${options.name}-${precision}`,
    onnxBytes: result.bytes,
    labels: options.labels,
  });
  log(`quantize: wrote ${displayPath(path)} (${(result.bytes.length / 1e6).toFixed(2)} MB, float ${(floatBytes.length / 1e6).toFixed(2)} MB) and ${displayPath(written.modelPath)}`);
  return written;
}
