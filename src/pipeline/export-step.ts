// Export + verification of a finished training run: the best tfjs model → ONNX, checked against tfjs on
// held-out images (a failed check throws ParityError and nothing is written), then exported again with the
// verified numbers in its metadata, next to parity.json in the run folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportModel, type ExportReport } from '@onnx-edge/export';
import type { ParityReport } from '@onnx-edge/export/contract';
import { writeFileAtomic } from '@onnx-edge/export/io/atomic-write';
import { loadLayersModelFromDir } from '@onnx-edge/export/io/load-model';
import { useVerificationBackend } from '@onnx-edge/export/verify/backend';
import { checkParity, verifyParity } from '@onnx-edge/export/verify/parity';
import { displayPath } from './display-path.ts';
import type { HeldOutImages } from './held-out.ts';

export interface ExportedRun {
  onnxPath: string;
  bytes: Uint8Array;
  report: ExportReport;
  parity: ParityReport;
}

export async function exportAndVerify(options: {
  runDir: string;
  labels: string[];
  dataset: string;
  heldOut: HeldOutImages;
  log: (line: string) => void;
}): Promise<ExportedRun> {
  const { runDir, labels, dataset, heldOut, log } = options;
  const backend = await useVerificationBackend();
  const model = await loadLayersModelFromDir(join(runDir, 'tfjs'));
  try {
    const first = exportModel(model, { labels, dataset });
    log(`verify: tfjs (${backend}) against onnxruntime-node on ${heldOut.description}`);
    const parity = await verifyParity(model, first.bytes, { dataDir: heldOut.path, count: heldOut.count });
    const top1 = parity.top1Agreement === undefined ? '' : `, top-1 agreement ${(parity.top1Agreement * 100).toFixed(1)}%`;
    log(`verify: max |Δ| ${parity.maxAbsDiff.toExponential(2)}${top1} on ${parity.count} images`);
    checkParity(parity);
    const { bytes, report } = exportModel(model, { labels, dataset, parity });
    const onnxPath = join(runDir, 'model.onnx');
    await writeFileAtomic(onnxPath, bytes);
    await writeFile(join(runDir, 'parity.json'), `${JSON.stringify(parity, null, 2)}\n`);
    log(`export: wrote ${displayPath(onnxPath)} (${(bytes.length / 1e6).toFixed(2)} MB, opset ${report.opset}) and parity.json`);
    return { onnxPath, bytes, report, parity };
  } finally {
    model.dispose();
  }
}
