// Class names from a file: a JSON array (labels.json of a training run) or one name per line (Triton's
// labels.txt; blank lines skipped). Used for `onnx-edge export --labels FILE` and a run folder's labels.json.
import { readFile } from 'node:fs/promises';
import { parseLabels } from '@onnx-edge/core';
import { ModelFileError } from '@onnx-edge/export';

export async function readLabelsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelFileError(`cannot read labels file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
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
