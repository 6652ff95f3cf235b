// Vite config for the browser demo. Three things matter beyond the defaults:
//  - onnxruntime-web's runtime files (.wasm + the .mjs glue its worker threads load) are served from our
//    own origin under /ort/, never from a CDN: copied into dist/ort/ at build time, served from
//    node_modules in dev;
//  - each onnxruntime-web build stays in a chunk of its own: if it were bundled into the app's chunk, its
//    threaded worker would import that chunk (and run the app) instead of ORT, and session creation would hang;
//  - example images (build/examples.ts) are generated into examples/, never committed.
import { createReadStream, copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import type { Examples } from './build/examples.ts';

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'));
const ortVersion = (require(join(ortDist, '..', 'package.json')) as { version: string }).version;
const SHELL_CACHE_PREFIX = 'onnx-edge-shell-';
/**
 * The binary each onnxruntime-web build the demo loads fetches: `onnxruntime-web/webgpu` the asyncify one,
 * `/wasm` the plain one. The page downloads it itself (to show progress and cache it once), so it is named here.
 */
const ORT_BINARIES = { webgpu: 'ort-wasm-simd-threaded.asyncify.wasm', wasm: 'ort-wasm-simd-threaded.wasm' };
/** The runtime files of those two builds: each binary and the .mjs glue its worker threads load. */
const ORT_FILES = Object.values(ORT_BINARIES).flatMap((wasm) => [wasm, wasm.replace(/\.wasm$/, '.mjs')]);
const ORT_DIR = 'ort';
const EXAMPLES_DIR = 'examples';
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Cross-origin isolation, which multi-threaded WASM needs (SharedArrayBuffer); the server sends the same. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MIME: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

function serveOrtRuntime(): Plugin {
  let outDir = 'dist';
  return {
    name: 'onnx-edge:ort-runtime',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(`/${ORT_DIR}/`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        if (!ORT_FILES.includes(name)) return next();
        const path = join(ortDist, name);
        // ORT's worker threads load the .mjs as a worker script, which a COEP page only accepts with COEP itself.
        for (const [header, value] of Object.entries(isolationHeaders)) res.setHeader(header, value);
        res.setHeader('Content-Type', MIME[name.slice(name.lastIndexOf('.'))]!);
        res.setHeader('Content-Length', String(statSync(path).size));
        createReadStream(path).pipe(res);
      });
    },
    writeBundle() {
      mkdirSync(join(outDir, ORT_DIR), { recursive: true });
      for (const name of ORT_FILES) copyFileSync(join(ortDist, name), join(outDir, ORT_DIR, name));
    },
  };
}

/**
 * Example images under /examples/ (index.json lists them by dataset). The generator uses the project's
 * CIFAR-10 reader and synthetic set, TypeScript loaded through tsx (Vite loads only this file's own imports).
 */
function exampleImages(): Plugin {
  let examples: Promise<Examples> | undefined;
  const generate = () => (examples ??= (tsImport('./build/examples.ts', import.meta.url) as Promise<typeof import('./build/examples.ts')>)
    .then((module) => module.buildExamples(REPO_ROOT)));
  const files = async () => {
    const { index, files: images } = await generate();
    return new Map<string, Buffer | string>([...images, ['index.json', JSON.stringify(index)]]);
  };
  return {
    name: 'onnx-edge:examples',
    configureServer(server) {
      server.middlewares.use(`/${EXAMPLES_DIR}/`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        files().then((all) => {
          const body = all.get(name);
          if (body === undefined) return next();
          res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'image/png');
          res.end(body);
        }, next);
      });
    },
    async generateBundle() {
      const { notes } = await generate();
      for (const [name, source] of await files()) this.emitFile({ type: 'asset', fileName: `${EXAMPLES_DIR}/${name}`, source });
      this.info(`examples: ${notes.join('; ')}`);
    },
  };
}

/** Where `npm run dev` forwards API calls: a running `onnx-edge serve`. */
const apiTarget = process.env.ONNX_EDGE_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [serveOrtRuntime(), exampleImages()],
  // ORT's "extern wasm" build loads its .mjs glue and .wasm from env.wasm.wasmPaths (/ort/) instead of
  // embedding the glue and making Vite emit a second 27 MB copy of the .wasm into assets/.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  define: {
    SHELL_CACHE: JSON.stringify(`${SHELL_CACHE_PREFIX}ort-${ortVersion}`),
    SHELL_CACHE_PREFIX: JSON.stringify(SHELL_CACHE_PREFIX),
    ORT_BINARIES: JSON.stringify(ORT_BINARIES),
    EXAMPLES_DIR: JSON.stringify(EXAMPLES_DIR),
  },
  // Pre-bundling would rewrite ORT's import.meta.url-relative worker loading; serve it as shipped.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: {
    headers: isolationHeaders,
    proxy: Object.fromEntries(['/models', '/classify', '/v2'].map((path) => [path, { target: apiTarget, changeOrigin: true }])),
  },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // The service worker is an entry of its own, at a fixed name in the root (its scope is the demo).
      input: { index: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
        // Each onnxruntime-web build (a self-contained file) alone in its chunk: its worker threads load it.
        manualChunks(id) {
          if (id.includes('node_modules/onnxruntime-web/dist/ort.webgpu')) return 'ort-webgpu';
          if (id.includes('node_modules/onnxruntime-web/dist/ort.wasm')) return 'ort-wasm';
        },
      },
    },
  },
});
