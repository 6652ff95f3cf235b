// `onnx-edge verify`: an ONNX file already on disk checked against the tfjs model it came from. The input
// layout is read from the file's metadata, so the file is verified the way it will be fed.
import { readFile } from 'node:fs/promises';
import { METADATA_KEYS, readOnnxMetadata, type ParityReport } from '@onnx-edge/core';
import {
  checkParity, loadLayersModelFromFile, ModelFileError, resolveModelJson, useVerificationBackend, verifyParity, type VerifyOptions,
} from '@onnx-edge/export';

export async function verifyOnnxFile(
  onnxPath: string,
  against: string,
  options: Pick<VerifyOptions, 'dataDir' | 'count'> & { onParity?: (report: ParityReport) => void },
): Promise<ParityReport> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (err) {
    throw new ModelFileError(`cannot read ${onnxPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let layout: string | undefined;
  try {
    layout = readOnnxMetadata(bytes)[METADATA_KEYS.inputLayout];
  } catch (err) {
    throw new ModelFileError(`${onnxPath} is not an ONNX model: ${(err as Error).message}`);
  }
  await useVerificationBackend();
  const model = await loadLayersModelFromFile(await resolveModelJson(against));
  try {
    const report = await verifyParity(model, bytes, { ...options, inputLayout: layout === 'NHWC' ? 'nhwc' : 'nchw' });
    options.onParity?.(report);
    checkParity(report);
    return report;
  } finally {
    model.dispose();
  }
}
