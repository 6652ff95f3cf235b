// `onnx-edge verify`: an ONNX file already on disk checked against the tfjs model it came from. The input
// layout is read from the contract in the file's metadata, so the file is verified the way it will be fed.
import { readFile } from 'node:fs/promises';
import { contractFromMetadata, readOnnxMetadata, type InputLayout, type ParityReport } from '@onnx-edge/core';
import {
  checkParity, loadLayersModelFromFile, ModelFileError, resolveModelJson, useVerificationBackend, verifyParity, type VerifyOptions,
} from '@onnx-edge/export';

export async function verifyOnnxFile(
  onnxPath: string,
  against: string,
  options: Pick<VerifyOptions, 'dataDir' | 'count'> & { onParity?: (report: ParityReport) => void },
): Promise<ParityReport> {
  const { bytes, layout } = await readOnnxFile(onnxPath);
  await useVerificationBackend();
  const model = await loadLayersModelFromFile(await resolveModelJson(against));
  try {
    const report = await verifyParity(model, bytes, { ...options, inputLayout: layout });
    options.onParity?.(report);
    checkParity(report);
    return report;
  } finally {
    model.dispose();
  }
}

/** An ONNX file's bytes and the layout its image input is fed in (from the contract in its metadata). */
export async function readOnnxFile(onnxPath: string): Promise<{ bytes: Uint8Array; layout: 'nchw' | 'nhwc' }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (err) {
    throw new ModelFileError(`cannot read ${onnxPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (err) {
    throw new ModelFileError(`${onnxPath} is not an ONNX model: ${(err as Error).message}`);
  }
  const { input } = contractFromMetadata(metadata);
  const layout: InputLayout = input.kind === 'image' ? input.layout : 'NCHW';
  return { bytes, layout: layout === 'NHWC' ? 'nhwc' : 'nchw' };
}
