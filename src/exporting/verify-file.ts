// `onnx-edge verify`: an ONNX file already on disk checked against the tfjs model it came from. The input
// layout (and, unless given, the verification range) is read from the contract in the file's metadata, so
// the file is verified the way it will be fed.
import { readFile } from 'node:fs/promises';
import { contractFromMetadata, readOnnxMetadata, type InputLayout, type ModelContract, type ParityReport } from '@onnx-edge/core';
import {
  checkParity, describeParity, loadLayersModelFromFile, loadPlugins, ModelFileError, rangeFromContract, resolveModelJson, useVerificationBackend,
  verifyParity,
} from '@onnx-edge/export';
import type { VerificationRequest } from './export-and-verify.ts';

export async function verifyOnnxFile(
  onnxPath: string,
  against: string,
  options: VerificationRequest & {
    plugins?: readonly string[];
    onParity?: (report: ParityReport) => void;
    log?: (line: string) => void;
  },
): Promise<ParityReport> {
  const { bytes, layout, contract } = await readOnnxFile(onnxPath);
  await useVerificationBackend();
  await loadPlugins(options.plugins ?? []);
  const model = await loadLayersModelFromFile(await resolveModelJson(against));
  try {
    const range = options.range ?? rangeFromContract(contract);
    const report = await verifyParity(model, bytes, { ...options, range, inputLayout: layout });
    options.onParity?.(report);
    for (const line of describeParity(report)) options.log?.(line);
    checkParity(report);
    return report;
  } finally {
    model.dispose();
  }
}

/** An ONNX file's bytes, its contract, and the layout its image input is fed in (from that contract). */
export async function readOnnxFile(onnxPath: string): Promise<{ bytes: Uint8Array; layout: 'nchw' | 'nhwc'; contract: ModelContract }> {
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
  const contract = contractFromMetadata(metadata);
  const layout: InputLayout = contract.input.kind === 'image' ? contract.input.layout : 'NCHW';
  return { bytes, layout: layout === 'NHWC' ? 'nhwc' : 'nchw', contract };
}
