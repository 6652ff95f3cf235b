// An exported model written into a model repository (Triton's layout): config.pbtxt from the model's own
// inputs and outputs, labels.txt from the labels of its contract (a model without them answers with class
// indexes, and one that gives no class scores has none).
import type { ExportReport } from '@onnx-edge/export';
import { writeModelToRepository, type WrittenModel } from '@onnx-edge/serve';

export async function writeExportToRepository(options: { repo: string; name: string; bytes: Uint8Array; report: Pick<ExportReport, 'contract'> }): Promise<WrittenModel> {
  return writeModelToRepository({
    repo: options.repo,
    name: options.name,
    onnxBytes: options.bytes,
    ...(options.report.contract.output.labels ? { labels: options.report.contract.output.labels } : {}),
  });
}
