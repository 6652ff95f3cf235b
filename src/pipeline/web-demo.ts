// The server shows the web demo from web-demo/dist; a fresh clone has no build yet, so the pipeline makes one
// (`npm run build -w web-demo`, the same command a developer runs) before it starts the server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_DEMO_DIST = join(REPO_ROOT, 'web-demo', 'dist');

export function ensureWebDemoBuilt(log: (line: string) => void): string {
  if (existsSync(join(WEB_DEMO_DIST, 'index.html'))) return WEB_DEMO_DIST;
  log('web demo: web-demo/dist is missing; building it (npm run build -w web-demo)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '-w', 'web-demo'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0 || !existsSync(join(WEB_DEMO_DIST, 'index.html'))) {
    throw new Error(`building the web demo failed (npm run build -w web-demo exited ${result.status ?? result.signal}); fix the error above, or pass --no-serve`);
  }
  return WEB_DEMO_DIST;
}
