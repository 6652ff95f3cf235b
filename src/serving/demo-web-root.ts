// What `onnx-edge serve` and the pipeline serve at /: the web demo's build, made first where it is missing
// (a fresh install has none; later starts find it). The server is worth running without the demo, so a failed
// build is reported in one line and the API starts anyway; GET / then says the demo is not built.
import { DemoBuildError, ensureDemoBuilt } from '@onnx-edge/web-demo/build';

/** The web root to hand the server: `given` (--web-root) or the demo's own dist, built when it has no build. */
export function demoWebRoot(given: string | undefined, log: (line: string) => void): string | undefined {
  try {
    return ensureDemoBuilt({ ...(given ? { dist: given } : {}), log });
  } catch (err) {
    if (!(err instanceof DemoBuildError)) throw err;
    log(`web demo: not served: ${err.message}`);
    return given;
  }
}
