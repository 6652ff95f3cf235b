// Atomic file write: the bytes go to a temporary file in the target's folder (same file system), are
// flushed, then renamed over the target. A reader sees the old file or the complete new one, and an
// interrupted write leaves no partial target behind. A temp left by a writer that was killed (SIGKILL,
// power loss) is removed by the next write to the same target once its process is gone.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeTempsOfDeadProcesses } from '@onnx-edge/train/training/atomic-files';

/** The writer's process id in `.<target>.<pid>.<8 hex>.tmp`, the temp name used here. */
function tempPid(target: string): (name: string) => number | undefined {
  const prefix = `.${basename(target)}.`;
  return (name) => {
    if (!name.startsWith(prefix)) return undefined;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    return match ? Number(match[1]) : undefined;
  };
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  removeTempsOfDeadProcesses(dirname(path), tempPid(path));
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
