// Class names from a file: a JSON array (labels.json of a training run) or one name per line (Triton's
// labels.txt; blank lines skipped). Used for `onnx-edge export --labels FILE` and a run folder's labels.json.
import { parseLabels } from '@onnx-edge/core';
import { ModelFileError, readRegularFile } from '@onnx-edge/export';

/** Largest labels file read: a list of class names is far smaller (ImageNet's 1000 names take 20 kB). */
const MAX_LABELS_BYTES = 1 << 20;

export async function readLabelsFile(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readRegularFile(path, `labels file ${path}`, MAX_LABELS_BYTES, 'a list of class names is far smaller'));
  if (text.trimStart().startsWith('[')) {
    try {
      return parseLabels(text);
    } catch (err) {
      throw new ModelFileError(`${path}: ${(err as Error).message}; write a JSON array of class names or one name per line`);
    }
  }
  const labels = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  if (labels.length === 0) throw new ModelFileError(`${path} holds no class names; write one name per line or a JSON array`);
  return labels;
}
