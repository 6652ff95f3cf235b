// Crash-safe writes: a file or a whole folder appears complete or not at all (write to a temp name, fsync,
// rename over the old one), so a kill at any moment leaves the previous version readable.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files or folders that writers killed mid-write (SIGKILL, power loss) left in `folder`:
 * `pidOf` reads the writer's process id out of a name (undefined: not a temp name), and only the temps of
 * processes that no longer exist go, so a concurrent writer's temp is never touched.
 */
export function removeTempsOfDeadProcesses(folder: string, pidOf: (name: string) => number | undefined): void {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const pid = pidOf(name);
    if (pid !== undefined && pid !== process.pid && !processExists(pid)) rmSync(join(folder, name), { recursive: true, force: true });
  }
}

/**
 * The temp name of a writer of `target`, beside it: `<target>.tmp-<pid>-<8 hex>`. The process id lets the next
 * writer tell a dead writer's leftover from a live one's; the random part keeps two writes of one process
 * (concurrent async writes) apart. Every atomic writer of the project uses this one scheme.
 */
export function atomicTempPath(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The writer's process id in a temp name of `target` (see atomicTempPath), or undefined for any other name. */
export function atomicTempPid(target: string): (name: string) => number | undefined {
  const prefix = `${basename(target)}.tmp-`;
  return (name) => {
    if (!name.startsWith(prefix)) return undefined;
    const match = /^(\d+)-[0-9a-f]{8}$/.exec(name.slice(prefix.length));
    return match ? Number(match[1]) : undefined;
  };
}

/** Writes `data` to `path` so a reader sees the old file or the complete new one, never a part. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  removeTempsOfDeadProcesses(dirname(path), atomicTempPid(path));
  const temp = atomicTempPath(path);
  try {
    writeFileSync(temp, data);
    fsyncPath(temp);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** writeFileAtomicSync without blocking the event loop (exports and model repositories can be large). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
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

function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) fsyncTree(path);
    else fsyncPath(path);
  }
  fsyncPath(dir);
}

/**
 * Fills a temp folder with `fill`, then puts it in place of `dir`. Between the two renames the old version
 * sits at `<dir>.old-<pid>`, which readFolderVersion() still finds should the process die right there.
 */
export async function replaceFolderAtomic(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const temp = atomicTempPath(dir);
  const old = `${dir}.old-${process.pid}`;
  removeTempsOfDeadProcesses(dirname(dir), atomicTempPid(dir));
  try {
    await fill(temp);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  fsyncTree(temp);
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(temp, dir);
  fsyncPath(dirname(dir));
  rmSync(old, { recursive: true, force: true });
}

/** `dir` when it exists, else a `<dir>.old-*` left by a process killed mid-replace, else undefined. */
export function readFolderVersion(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  const parent = dirname(dir);
  if (!existsSync(parent)) return undefined;
  const prefix = `${basename(dir)}.old-`;
  const leftover = readdirSync(parent).find((name) => name.startsWith(prefix));
  return leftover ? join(parent, leftover) : undefined;
}
