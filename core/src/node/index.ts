// Node-only helpers of @onnx-edge/core (kept off the browser-safe main entry).
export {
  writeFileAtomic, writeFileAtomicSync, replaceFolderAtomic, readFolderVersion,
  atomicTempPath, atomicTempPid, removeTempsOfDeadProcesses,
} from './atomic-files.ts';
export { startTsWorker } from './ts-worker.ts';
export {
  FileRefusedError, openRegularFile, readOpenedFile, readRegularFile, isInside, realPathInside,
  type OpenedFile, type FileLimits,
} from './regular-files.ts';
