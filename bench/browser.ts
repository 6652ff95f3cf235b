// `onnx-edge bench browser`: latency per image of the web demo in headless Chromium, on WASM and on WebGPU
// (where Chromium offers it: here its software adapter, SwiftShader), each network served by the real
// server with the built demo. The page times its own inference (median of its steady runs per image) and
// shows it in the DOM; this reads it from there, over several images. On WASM, tfjs runs in the same page
// as the peer (tfjs-page/peer.ts: its wasm backend, the same seed network), image by image between the
// demo's runs, so that the browser figure is a ratio like the others. The int8 model (onnx-edge quantize)
// runs on WASM beside the float one.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { exportModel } from '@onnx-edge/export';
import { quantizeModel } from '@onnx-edge/export/quantize';
import { startServer } from '@onnx-edge/serve';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { BENCH_NETWORKS, BENCH_OPTIONS } from './options.ts';
import { CHROMIUM_PATH, chromiumAvailable, classifyInPage, ensureDemoBuilt, executionProvider, launchChromium, readPredictions, visibleError, waitForState } from '@onnx-edge/web-demo/testing';
import { loadTfjsPeer, runTfjsPeer, webRootWithTfjsPeer } from './tfjs-page/inject.ts';
import { machineFacts } from './machine.ts';
import { CALIBRATION_IMAGES, noiseRecords } from './quantized.ts';
import { formatBrowserTable, type BrowserRow } from './report.ts';
import { resultsFile } from './results-file.ts';
import { median } from './stats.ts';
import type { NetworkName } from '@onnx-edge/core';

const EPS = ['wasm', 'webgpu'] as const;
const PRECISIONS = ['fp32', 'int8'] as const;
type Precision = (typeof PRECISIONS)[number];
/** Seed of the networks' weights: the exported ONNX file and the page's tfjs peer build the same ones. */
const SEED = 7;
/** Runs per image: the demo's own steady runs (web-demo/src/main.ts), and as many for the tfjs peer. */
const RUNS_PER_IMAGE = 5;

interface NoiseImage {
  png: Buffer;
  /** The same pixels, interleaved RGB. */
  rgb: Uint8Array;
}

/** Seeded noise images, 32×32: pixel values do not change the work of a forward pass. */
async function noiseImages(count: number): Promise<NoiseImage[]> {
  let state = 99;
  return Promise.all(Array.from({ length: count }, async () => {
    const rgb = Buffer.alloc(3072);
    for (let i = 0; i < rgb.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      rgb[i] = state >>> 24;
    }
    return { png: await sharp(rgb, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer(), rgb };
  }));
}

/** The first number in an element's text ("1.23 ms" → 1.23). */
async function msShown(page: Page, selector: string): Promise<number> {
  const text = (await page.textContent(selector)) ?? '';
  const value = Number(text.match(/[\d.]+/)?.[0]);
  if (!Number.isFinite(value)) throw new Error(`the demo shows no time in ${selector} (text: '${text}')`);
  return value;
}

async function measureInPage(url: string, network: NetworkName, ep: (typeof EPS)[number], images: NoiseImage[], precision: Precision): Promise<BrowserRow> {
  const browser = await launchChromium({ webgpu: ep === 'webgpu' });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/?ep=${ep}`);
    if ((await waitForState(page, ['ready', 'error'], 120_000)) !== 'ready') throw new Error(`the demo did not load ${network} on ${ep}: ${await visibleError(page)}`);
    const ran = (await executionProvider(page)) ?? 'unknown';
    const peer = ran === 'wasm' ? await loadTfjsPeer(page, network, SEED) : undefined;
    const perImage: number[] = [];
    const tfjsPerImage: number[] = [];
    let maxAbsDiff = 0;
    for (const [i, image] of images.entries()) {
      const state = await classifyInPage(page, `bench-${i}.png`, image.png, 'image/png', 'picker');
      if (state !== 'done') throw new Error(`the demo failed to classify an image with ${network} on ${ep}: ${await visibleError(page)}`);
      perImage.push(await msShown(page, '#rt-steady'));
      if (!peer) continue;
      const tfjs = await runTfjsPeer(page, image.rgb, RUNS_PER_IMAGE);
      tfjsPerImage.push(median(tfjs.ms));
      // The same weights and pixels: the page's top classes must have tfjs' probabilities.
      for (const p of await readPredictions(page)) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(p.probability - tfjs.probabilities[p.index]!));
    }
    const row: BrowserRow = { network, ...(precision === 'fp32' ? {} : { precision }), ep: ran, medianMsPerImage: median(perImage), firstInferenceMs: await msShown(page, '#rt-first'), sessionMs: await msShown(page, '#rt-session'), images: images.length };
    if (peer) row.tfjs = { backend: peer.backend, threads: peer.threads, medianMsPerImage: median(tfjsPerImage), setupMs: peer.setupMs, maxAbsDiffTop5: maxAbsDiff };
    return row;
  } finally {
    await browser.close();
  }
}

const OPTIONS = {
  networks: BENCH_OPTIONS.networks,
  eps: { flag: 'eps', placeholder: 'LIST', kind: { type: 'list', choices: EPS }, help: `comma-separated, from ${EPS.join(', ')} (default: both; --quick: wasm)` },
  images: { flag: 'images', kind: { type: 'int', min: 1, max: 100 }, help: 'images classified per page (default 5; --quick: 2)' },
  precisions: {
    flag: 'precisions', placeholder: 'LIST', kind: { type: 'list', choices: PRECISIONS },
    help: 'fp32, int8 (default both): int8 is the network quantized by onnx-edge quantize (calibrated on seeded noise: scales, not speed), on WASM only (onnxruntime-web has no WebGPU integer kernels); its tfjs peer is the float network as on the fp32 rows',
  },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer images, WASM only' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench browser [options]

Serves each exported seed network with the built web demo (the real server) and opens the demo in headless
Chromium (${CHROMIUM_PATH}) with ?ep=wasm and ?ep=webgpu: session creation, first inference, and the
median per-image latency the page measures (batch 1; the page runs each image 5 times and shows the median).
On WASM, tfjs (its wasm backend, the same seed network) runs in the same page as the peer, 5 times per image
right after the demo's runs; the table gives its median and the ratio.

Options:
${formatOptions(OPTIONS)}`;

export const benchBrowserCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const precisions = values.precisions ?? [...PRECISIONS];
    const networks: NetworkName[] = values.networks ?? [...BENCH_NETWORKS];
    // WebGPU pages here run on a software adapter and take ~10 s to start: the quick run keeps to WASM.
    const eps = values.eps ?? (values.quick ? ['wasm' as const] : [...EPS]);
    const imageCount = values.images ?? (values.quick ? 2 : 5);
    if (!chromiumAvailable()) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (scripts/install-system-deps.sh)`);
    console.error('browser: building the web demo if its sources changed…');
    console.error('browser: bundling the in-page tfjs peer…');
    const web = await webRootWithTfjsPeer(ensureDemoBuilt());
    await selectBackend('cpu', () => {}); // only builds and reads weights
    const images = await noiseImages(imageCount);
    const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-bench-browser-'));
    const rows: BrowserRow[] = [];
    try {
      const calibration = precisions.includes('int8') ? await noiseRecords(dir) : undefined;
      for (const network of networks) for (const precision of precisions) {
        const modelPath = join(dir, `${network}-${precision}.onnx`);
        const model = buildNetwork(network, { seed: SEED });
        const float = exportModel(model).bytes;
        model.dispose();
        await writeFile(modelPath, precision === 'int8' ? (await quantizeModel(float, { precision, calibration: calibration!, calibrationCount: CALIBRATION_IMAGES })).serialize() : float);
        const server = await startServer({ model: modelPath, host: '127.0.0.1', port: 0, webRoot: web.webRoot, logLevel: 'warn' });
        try {
          for (const ep of eps.filter((e) => precision === 'fp32' || e === 'wasm')) {
            console.error(`browser: ${network} (${precision}) on ${ep}, ${imageCount} images…`);
            const row = await measureInPage(server.url, network, ep, images, precision);
            const peer = row.tfjs ? `; tfjs-${row.tfjs.backend} ${row.tfjs.medianMsPerImage.toFixed(2)} ms (max |Δp| ${row.tfjs.maxAbsDiffTop5.toExponential(1)})` : '';
            console.error(`browser:   ${row.medianMsPerImage.toFixed(2)} ms per image on ${row.ep}${peer}`);
            rows.push(row);
          }
        } finally {
          await server.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await web.remove();
    }
    const note = 'WebGPU in headless Chromium without a GPU runs on its software adapter (SwiftShader). The tfjs peer (WASM rows) runs in the same page: @tensorflow/tfjs with its wasm backend on the same seed network, 5 calls per image after the demo\'s 5.';
    const report = { benchmark: 'browser', date: new Date().toISOString(), machine: machineFacts(), chromium: CHROMIUM_PATH, note, rows };
    const file = values.out ?? resultsFile('browser', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`${formatBrowserTable(rows)}\n\nwrote ${file}`);
    return 0;
  },
};
