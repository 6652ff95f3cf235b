// Atomic file write: the bytes go to a temporary file in the target's folder (same file system), are
// flushed, then renamed over the target. A reader sees the old file or the complete new one, and an
// interrupted write leaves no partial target behind. A temp left by a writer that was killed (SIGKILL,
// power loss) is removed by the next write to the same target once its process is gone.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicTempPath, atomicTempPid, removeTempsOfDeadProcesses } from '@onnx-edge/train/training/atomic-files';

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  removeTempsOfDeadProcesses(dirname(path), atomicTempPid(path));
  const temp = atomicTempPath(path);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
