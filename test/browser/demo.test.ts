// End to end: the real server (onnx-edge serve) serves the built web demo and an exported Inception10;
// Debian's Chromium opens the demo, real CIFAR-10 PNGs are picked, dropped and pasted, and the probabilities the
// page computes with onnxruntime-web must match the server's /classify: same top-1, |Δp| ≤ 1e-4 — once on
// WebGPU (Chromium's software adapter) and once on WASM (Chromium without the WebGPU flag).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { FileChooser, Page } from 'playwright-core';
import { exportModel } from '@onnx-edge/export';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { barFillWidths, blurFocus, CHROMIUM_PATH, chromiumAvailable, classifyInPage, ensureDemoBuilt, executionProvider, type InputRoute, launchChromium, readPredictions, visibleError, waitForOfflineCache, waitForState } from '@onnx-edge/web-demo/testing';
import { cifarPngs, resizedWithAlphaSweep, withAlphaSweep, type CifarPng } from './cifar-png.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sampleBatch = join(repoRoot, '..', 'shared', 'data', 'cifar10-sample', 'sample_batch_000.bin');
const artifacts = join(repoRoot, 'test-artifacts');
const TOLERANCE = 1e-4;
/** Images whose server top-1 leads the runner-up by less than this are left out: a near tie says nothing. */
const MIN_TOP1_MARGIN = 1e-3;
const IMAGES_PER_PROVIDER = 3;
/**
 * Freshly initialised networks answer ~10% for every class and barely react to their input, which would
 * let a wrong preprocessing pass a 1e-4 check. Scaling the classifier's weights spreads the probabilities
 * out as a trained network's are (training here is far too slow for a test), so the check has teeth.
 */
const CLASSIFIER_SCALE = 40;
/** An .onnx file (e.g. a trained export) to use instead of the seeded network, for a nicer screenshot. */
const DEMO_MODEL = process.env.ONNX_EDGE_DEMO_MODEL;

function missingPrerequisite(): string | undefined {
  if (!chromiumAvailable()) return `${CHROMIUM_PATH} is missing: install Debian's chromium (scripts/install-system-deps.sh)`;
  if (!existsSync(sampleBatch)) return 'the CIFAR-10 sample is missing at ../shared/data/cifar10-sample (next to the repository)';
  return undefined;
}

interface ServerVerdict { image: CifarPng; probabilities: number[]; top1: number }

/** The server's full distribution (top=10) for one PNG, posted as a raw image body. */
async function classifyOnServer(server: RunningServer, image: CifarPng): Promise<ServerVerdict> {
  const response = await fetch(`${server.url}/classify?top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image.png });
  assert.equal(response.status, 200, `POST /classify of ${image.name}: ${await response.clone().text()}`);
  const body = (await response.json()) as { predictions: { index: number; probability: number }[] };
  const probabilities: number[] = [];
  for (const p of body.predictions) probabilities[p.index] = p.probability;
  return { image, probabilities, top1: body.predictions[0]!.index };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** A PNG that is only a signature and an IHDR chunk declaring the given size: huge, yet a few bytes. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const chunk = Buffer.concat([Buffer.from('IHDR'), ihdr]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(ihdr.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(chunk));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, chunk, crc]);
}

function topMargin(probabilities: number[]): number {
  const [first, second] = [...probabilities].sort((a, b) => b - a);
  return first! - second!;
}

const missing = missingPrerequisite();

if (missing && process.env.CI === 'true') {
  test('browser demo prerequisites', () => assert.fail(`${missing}; CI installs them and must not skip this test`));
}

describe('web demo in Chromium against the real server', { skip: missing && process.env.CI !== 'true' ? missing : false }, () => {
  let server: RunningServer;
  let workDir: string;
  let verdicts: ServerVerdict[];
  /** The image for docs/screenshot-demo.png: one the model gets right, when there is one. */
  let showcase: ServerVerdict;

  before(async () => {
    const webRoot = ensureDemoBuilt();
    workDir = mkdtempSync(join(tmpdir(), 'onnx-edge-demo-'));
    const modelPath = DEMO_MODEL ?? join(workDir, 'inception10.onnx');
    if (!DEMO_MODEL) {
      await selectBackend('cpu', () => {}); // only builds and reads weights: no need for a faster backend
      const network = buildNetwork('inception10', { seed: 7 });
      const classifier = network.layers.filter((layer) => layer.getClassName() === 'Dense').at(-1)!;
      classifier.setWeights(classifier.getWeights().map((weights) => weights.mul(CLASSIFIER_SCALE)));
      writeFileSync(modelPath, exportModel(network).bytes);
      network.dispose();
    }
    server = await startServer({ model: modelPath, host: '127.0.0.1', port: 0, webRoot, logLevel: 'warn' });
    const candidates = await cifarPngs(sampleBatch, 0, 16);
    const all = await Promise.all(candidates.map((image) => classifyOnServer(server, image)));
    verdicts = all.filter((v) => topMargin(v.probabilities) >= MIN_TOP1_MARGIN).slice(0, IMAGES_PER_PROVIDER + 1);
    showcase = all.find((v) => v.image.label === CIFAR10_LABELS[v.top1]) ?? verdicts[0]!;
    assert.ok(verdicts.length > IMAGES_PER_PROVIDER, 'too few CIFAR-10 images with a clear top-1 on the server');
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await server?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Checks what the page shows for one image against the server's verdict. */
  async function expectSameAsServer(page: Page, verdict: ServerVerdict, via: InputRoute): Promise<void> {
    const { image } = verdict;
    const state = await classifyInPage(page, image.name, image.png, 'image/png', via);
    assert.equal(state, 'done', `${image.name}: the page shows an error: ${await visibleError(page)}`);
    assert.equal(await visibleError(page), undefined, `${image.name}: an error is visible next to the result`);
    const predictions = await readPredictions(page);
    assert.equal(predictions.length, 5, `${image.name}: expected 5 bars, found ${predictions.length}`);
    assert.equal(predictions[0]!.index, verdict.top1, `${image.name}: browser top-1 ${predictions[0]!.label}, server top-1 index ${verdict.top1}`);
    for (const p of predictions) {
      const diff = Math.abs(p.probability - verdict.probabilities[p.index]!);
      assert.ok(diff <= TOLERANCE, `${image.name} class ${p.label}: browser ${p.probability}, server ${verdict.probabilities[p.index]}, |Δ| ${diff}`);
    }
    const widths = await barFillWidths(page);
    assert.equal(widths.length, 5, `${image.name}: bars are missing`);
    assert.ok(widths[0]! > 0, `${image.name}: the top bar is not drawn`);
  }

  /** Drops a bad file: the page must say what is wrong and show no bars. */
  async function expectInputError(page: Page, name: string, bytes: Buffer, message: RegExp): Promise<void> {
    assert.equal(await classifyInPage(page, name, bytes, 'application/octet-stream', 'drop'), 'error', `${name} was accepted`);
    assert.match((await visibleError(page)) ?? '(no message)', message);
    assert.equal((await readPredictions(page)).length, 0, `old bars stay next to the error about ${name}`);
  }

  for (const ep of ['webgpu', 'wasm'] as const) {
    test(`classifies real CIFAR-10 PNGs like /classify on ${ep}`, async () => {
      const browser = await launchChromium({ webgpu: ep === 'webgpu' });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 680 } });
        // Listening from the start: Playwright intercepts file choosers only once someone listens.
        const chooserOpened = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
        const foreign: string[] = [];
        const runtimeFiles = new Set<string>();
        page.on('request', (request) => {
          const url = request.url();
          if (!url.startsWith(server.url) && !/^(data|blob):/.test(url)) foreign.push(url);
          const ortFile = /\/ort\/([^/?]+\.wasm)/.exec(url)?.[1];
          if (ortFile) runtimeFiles.add(ortFile);
        });
        await page.goto(`${server.url}/?ep=${ep}`);
        const loaded = await waitForState(page, ['ready', 'error'], 90_000);
        assert.equal(loaded, 'ready', `the model did not load: ${await visibleError(page)}`);
        assert.equal(await executionProvider(page), ep, `the page reports ${await executionProvider(page)} instead of ${ep}`);
        // WASM alone loads onnxruntime-web's plain build (14 MB), WebGPU the asyncify one; never both.
        const expectedRuntime = ep === 'wasm' ? 'ort-wasm-simd-threaded.wasm' : 'ort-wasm-simd-threaded.asyncify.wasm';
        assert.deepEqual([...runtimeFiles], [expectedRuntime], `runtime binaries fetched: ${[...runtimeFiles].join(', ') || 'none'}`);
        assert.equal(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), true, 'the demo page is not cross-origin isolated');
        // The picker is keyboard-operable: focus its button, press Enter, the file chooser opens.
        await page.focus('#pick');
        await page.keyboard.press('Enter');
        assert.equal((await withTimeout(chooserOpened, 10_000, 'Enter on the picker button opened no file chooser')).isMultiple(), false);

        const routes: InputRoute[] = ['picker', 'drop', 'paste'];
        for (const [i, verdict] of verdicts.slice(0, IMAGES_PER_PROVIDER).entries()) {
          await expectSameAsServer(page, verdict, routes[i % routes.length]!);
        }
        await page.screenshot({ path: join(artifacts, `demo-${ep}.png`), fullPage: true, animations: 'disabled' });
        if (process.env.UPDATE_SCREENSHOT === '1' && ep === 'webgpu') {
          await expectSameAsServer(page, showcase, 'picker');
          await blurFocus(page);
          await page.screenshot({ path: join(repoRoot, 'docs', 'screenshot-demo.png'), fullPage: true, animations: 'disabled' });
        }

        await expectInputError(page, 'notes.txt', Buffer.from('not an image, just text'), /notes\.txt.*not an image/);
        if (ep === 'wasm') {
          await expectInputError(page, 'cut.png', verdicts[0]!.image.png.subarray(0, 200), /cut\.png.*damaged or truncated/);
          await expectInputError(page, 'huge.png', pngHeaderOnly(20_000, 20_000), /huge\.png.*20000×20000.*megapixels/);
        }
        // The demo stays usable after bad input.
        await expectSameAsServer(page, verdicts[IMAGES_PER_PROVIDER]!, 'picker');
        if (ep === 'wasm') {
          // Transparent pixels keep their colour, as on the server (which drops alpha, not colour).
          const image = verdicts[0]!.image;
          const translucent = { ...image, name: image.name.replace('.png', '-alpha.png'), png: await withAlphaSweep(image) };
          await expectSameAsServer(page, await classifyOnServer(server, translucent), 'picker');
          // Other sizes go through the same area average on both sides: stretched in one axis and shrunk in
          // the other, and one large enough for the page to read back in several bands.
          for (const [width, height] of [[20, 50], [1300, 1000]] as const) {
            const resized = { ...image, name: image.name.replace('.png', `-${width}x${height}.png`), png: await resizedWithAlphaSweep(image, width, height) };
            await expectSameAsServer(page, await classifyOnServer(server, resized), 'picker');
          }
        }
        assert.deepEqual(foreign, [], 'the page fetched something from outside our server');
      } finally {
        await browser.close();
      }
    });
  }

  test('a failed model download shows a message and Retry recovers', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      const failDownload = /\/model\.onnx$/;
      await page.route(failDownload, (route) => route.fulfill({ status: 503, body: 'unavailable' }));
      await page.goto(server.url); // no ?ep: WebGPU if this Chromium (launched without the flag) offers it
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'error');
      assert.match((await visibleError(page)) ?? '(no message)', /Could not download model .*HTTP 503/);
      await page.unroute(failDownload);
      await page.click('#error-action');
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `Retry did not recover: ${await visibleError(page)}`);
      assert.equal(await visibleError(page), undefined);
      // Without WebGPU the page says so and runs on WASM.
      const note = (await page.locator('#ep-note').isVisible()) ? await page.locator('#ep-note').textContent() : undefined;
      if (await executionProvider(page) === 'wasm') assert.match(note ?? '(no note)', /WebGPU is unavailable.*WASM/);
      else assert.equal(note, undefined);
      await expectSameAsServer(page, verdicts[0]!, 'drop');
    } finally {
      await browser.close();
    }
  });

  test('reloads and classifies offline once the page has been visited', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/?ep=wasm`);
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready');
      assert.equal(await waitForOfflineCache(page), 'ready', 'the page could not cache itself for offline use');
      await context.setOffline(true);
      await page.reload();
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `offline reload failed: ${await visibleError(page)}`);
      assert.match((await page.locator('#model-info').textContent()) ?? '', /browser cache/);
      await expectSameAsServer(page, verdicts[0]!, 'picker');
    } finally {
      await browser.close();
    }
  });
});
