// Where results go: bench/results/<prefix><date>-<host>.<ext>, the date being the run's UTC day.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

export function resultsFile(prefix: string, isoDate: string, host: string, ext: 'json' | 'md'): string {
  return join(RESULTS_DIR, `${prefix ? `${prefix}-` : ''}${isoDate.slice(0, 10)}-${host}.${ext}`);
}
