// An output path must not be one of the files a command reads: `export model.json -o model.json` would
// replace the model by its own export. Compared by real path, so a symbolic link or another spelling of the
// same file is caught too.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelFileError } from './model-file-error.ts';

/** The real path `path` has or would have once written (its folder resolved when it does not exist yet). */
async function realTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path));
  }
}

/** Throws ModelFileError when one of `outputs` is one of `inputs` (real paths of the files read). */
export async function refuseOutputOverInput(outputs: readonly string[], inputs: readonly string[]): Promise<void> {
  const read = new Set(inputs);
  for (const output of outputs) {
    const real = await realTarget(output);
    if (read.has(real)) throw new ModelFileError(`the output ${output} would overwrite ${real}, a file this export reads: write the output elsewhere`);
  }
}
