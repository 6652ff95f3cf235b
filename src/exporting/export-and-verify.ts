// Export and verification as one step, shared by `onnx-edge export` and the pipeline: load the tfjs model,
// compile it, check the ONNX file against tfjs (a failed check throws ParityError before anything is written),
// compile again with the verified figures in the metadata, then write model.onnx and parity.json atomically.
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ParityReport } from '@onnx-edge/core';
import { writeFileAtomic } from '@onnx-edge/core/node';
import {
  checkParity, describeParity, exportModel, loadPlugins, ModelFileError, rangeFromContract, readLayersModel, refuseOutputOverInput,
  resolveModelJson, useVerificationBackend, verifyParity, type ExportReport, type VerifyOptions,
} from '@onnx-edge/export';
import { quantizeVerified, type QuantizeOptions, type VerifyQuantizedOptions } from '@onnx-edge/export/quantize';
import { readLabelsFile } from './labels-file.ts';
import type { ExportTarget } from './request.ts';

export type VerificationRequest = Pick<VerifyOptions, 'dataDir' | 'count' | 'shapes' | 'range' | 'atol' | 'rtol'> & { description?: string };

export interface ExportRequest extends ExportTarget {
  /** Verify against tfjs (absent: no verification): data, count, sizes, value range, tolerances. */
  verify?: VerificationRequest;
  /** Plugin modules for custom layer classes (loaded before the model). */
  plugins?: readonly string[];
  /** Called with the parity report before it is checked, so a failing one is still shown. */
  onParity?: (report: ParityReport) => void;
  /** Progress lines, by step: the CLI prints them as they are, the pipeline prefixes the step. */
  log: (step: 'verify' | 'export', line: string) => void;
  /** How written paths are shown (default: as given). */
  displayPath?: (path: string) => string;
  /** Write an int8 or fp16 version of the verified float export instead, verified against it on `verify.data`. */
  quantize?: { options: QuantizeOptions; verify?: VerifyQuantizedOptions };
}

export interface ExportOutcome {
  bytes: Uint8Array;
  report: ExportReport;
  parity?: ParityReport;
}

/** Where a training run keeps labels.json (a JSON array of names): next to tfjs/ or to model.json. */
const labelsCandidates = (modelJson: string) => [join(dirname(modelJson), 'labels.json'), join(dirname(dirname(modelJson)), 'labels.json')];

async function runLabels(modelJson: string): Promise<string[] | undefined> {
  for (const candidate of labelsCandidates(modelJson)) {
    if (await stat(candidate).catch(() => undefined)) return readLabelsFile(candidate);
  }
  return undefined;
}

export async function exportAndVerify(request: ExportRequest): Promise<ExportOutcome> {
  const { output, log } = request;
  const shown = request.displayPath ?? ((path: string) => path);
  if (output) {
    const folder = dirname(resolve(output));
    if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new ModelFileError(`output folder ${folder} does not exist`);
  }
  const backend = await useVerificationBackend();
  const plugins = await loadPlugins(request.plugins ?? []);
  const modelJson = await resolveModelJson(request.source);
  const { model, files, warnings } = await readLayersModel(modelJson);
  try {
    for (const line of warnings) log('export', line);
    // Nothing written may replace what is read: the model, its shards, the run's labels.
    const labelFiles = await Promise.all([...labelsCandidates(modelJson), ...(request.labelsFile ? [request.labelsFile] : [])].map((p) => realpath(p).catch(() => '')));
    const outputs = output ? [output, ...(request.verify ? [join(dirname(output), 'parity.json')] : [])] : [];
    await refuseOutputOverInput(outputs, [...files, ...labelFiles.filter(Boolean)]);
    const exportOptions = {
      opset: request.opset,
      inputLayout: request.inputLayout,
      contract: {
        ...request.contract,
        labels: request.contract?.labels ?? (request.labelsFile ? await readLabelsFile(request.labelsFile) : await runLabels(modelJson)),
      },
      plugins,
    };
    let { bytes, report } = exportModel(model, exportOptions);
    let parity: ParityReport | undefined;
    if (request.verify) {
      log('verify', `tfjs (${backend}) against onnxruntime-node on ${request.verify.description ?? request.verify.dataDir ?? 'seeded random images'}`);
      // Unless told otherwise, inputs take the values the contract says the model is fed.
      const range = request.verify.range ?? rangeFromContract(report.contract);
      parity = await verifyParity(model, bytes, { ...request.verify, range, inputLayout: request.inputLayout });
      request.onParity?.(parity);
      for (const line of describeParity(parity)) log('verify', line);
      checkParity(parity);
      // The verified figures travel inside the file; the graph and weights are the same bytes as before.
      ({ bytes, report } = exportModel(model, { ...exportOptions, parity }));
    }
    if (request.quantize) {
      const quantized = await quantizeVerified(bytes, request.quantize.options, request.quantize.verify);
      bytes = quantized.bytes;
      for (const warning of quantized.warnings) log('export', `warning: ${warning}`);
    }
    if (output) {
      await writeFileAtomic(output, bytes);
      const nodes = Object.values(report.opCounts).reduce((a, b) => a + b, 0);
      const precision = request.quantize ? `${request.quantize.options.precision}, ` : '';
      log('export', `wrote ${shown(output)} (${precision}${(bytes.length / 1e6).toFixed(2)} MB, ${nodes} nodes, ${report.parameters.toLocaleString('en-US')} parameters, opset ${report.opset}, exported in ${report.timings.totalMs.toFixed(0)} ms)`);
      if (parity) {
        const parityPath = join(dirname(output), 'parity.json');
        await writeFileAtomic(parityPath, `${JSON.stringify(parity, null, 2)}\n`);
        log('export', `wrote ${shown(parityPath)}`);
      }
    }
    return { bytes, report, parity };
  } finally {
    model.dispose();
  }
}
