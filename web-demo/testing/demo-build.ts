// A build of the current sources for tests and bench: rebuilt whenever anything it is made from is newer.
import { ensureDemoBuilt as ensureBuilt } from '../build/ensure-built.ts';

export { SHARED_SOURCES } from '../build/ensure-built.ts';

/** Returns web-demo/dist, rebuilt first when it is missing or older than its sources. */
export function ensureDemoBuilt(): string {
  return ensureBuilt({ rebuild: 'stale' });
}
