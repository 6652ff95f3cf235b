// The tfjs peer of `bench browser` (peer.ts), made loadable by the demo page: bundled with esbuild and served
// with tfjs' WebAssembly files from the page's own origin (its Content-Security-Policy allows scripts and
// workers from 'self' only). The server gets a web root of its own for that: links to the built demo's
// files plus a bench-tfjs/ folder, so the demo's build stays untouched.
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { TfjsPeer, TfjsPeerInfo } from './peer.ts';
import type { NetworkName } from '@onnx-edge/core';

const PEER_FOLDER = 'bench-tfjs';
const require = createRequire(import.meta.url);

export interface PeerWebRoot {
  webRoot: string;
  remove(): Promise<void>;
}

/** A web root with the demo's files (linked) and the bundled peer with tfjs' .wasm files under /bench-tfjs/. */
export async function webRootWithTfjsPeer(demoDist: string): Promise<PeerWebRoot> {
  const webRoot = await mkdtemp(join(tmpdir(), 'onnx-edge-bench-web-'));
  try {
    for (const entry of await readdir(demoDist)) await symlink(join(demoDist, entry), join(webRoot, entry));
    const folder = join(webRoot, PEER_FOLDER);
    await mkdir(folder);
    await build({
      entryPoints: [fileURLToPath(new URL('./peer.ts', import.meta.url))],
      outfile: join(folder, 'peer.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'warning',
    });
    const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm'));
    for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      await copyFile(join(wasmDist, name), join(folder, name));
    }
  } catch (err) {
    await rm(webRoot, { recursive: true, force: true });
    throw err;
  }
  return { webRoot, remove: () => rm(webRoot, { recursive: true, force: true }) };
}

type PeerWindow = { onnxEdgeTfjsPeer?: TfjsPeer };

/** Loads the peer into a page served from such a web root and builds `network` with `seed` in it. */
export async function loadTfjsPeer(page: Page, network: NetworkName, seed: number): Promise<TfjsPeerInfo> {
  await page.addScriptTag({ url: `/${PEER_FOLDER}/peer.js` });
  const wasmBase = new URL(`/${PEER_FOLDER}/`, page.url()).href;
  return page.evaluate(([n, s, base]) => (globalThis as PeerWindow).onnxEdgeTfjsPeer!.load(n, s, base), [network, seed, wasmBase] as const);
}

/** `runs` timed calls of the loaded peer on one 32×32 RGB image (interleaved bytes). */
export function runTfjsPeer(page: Page, rgb: Uint8Array, runs: number): Promise<{ ms: number[]; probabilities: number[] }> {
  return page.evaluate(([pixels, n]) => (globalThis as PeerWindow).onnxEdgeTfjsPeer!.run(pixels, n), [[...rgb], runs] as [number[], number]);
}
