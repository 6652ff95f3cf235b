// Paths as a person reads them: relative to the current folder when that is shorter (runs/…), else absolute.
import { relative } from 'node:path';

export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path) || '.';
  return rel.length < path.length ? rel : path;
}
