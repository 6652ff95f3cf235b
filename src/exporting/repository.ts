// An exported model written into a model repository (Triton's layout), with the labels of its contract
// (class indexes when it has none) and its input and output names from the export report.
import type { ExportReport } from '@onnx-edge/export';
import { writeModelToRepository, type WrittenModel } from '@onnx-edge/serve';

export async function writeExportToRepository(options: {
  repo: string;
  name: string;
  bytes: Uint8Array;
  report: ExportReport;
}): Promise<WrittenModel> {
  const { bytes, report } = options;
  const classes = report.outputs[0]?.shape.at(-1);
  const labels = report.contract.output.labels
    ?? Array.from({ length: typeof classes === 'number' ? classes : 0 }, (_, i) => String(i));
  return writeModelToRepository({
    repo: options.repo,
    name: options.name,
    onnxBytes: bytes,
    labels,
    inputName: report.inputs[0]!.name,
    outputNames: report.outputs.map((o) => o.name),
    dims: report.inputs[0]!.shape.slice(1).map(Number),
  });
}
