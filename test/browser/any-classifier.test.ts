// End to end, for a classifier that is not CIFAR-10's: a 64×64 grayscale model taking values in [−1, 1]
// (NHWC), built with tfjs and exported with its contract (labels and the synthetic shapes it is declared to be
// trained on), served from a model repository beside a 32×32 RGB one. Chromium with a WebGPU adapter that is
// only a software fallback (SwiftShader) opens the demo: it must choose WASM and say why, fetch the runtime
// binary once, show the model's input, labels and training data, offer the synthetic shapes as examples, and
// give the server's numbers for a clicked example and for a picked photo of another size; axe-core must find
// nothing in the light and the dark scheme; on a phone the result must come into view and no Ctrl+V is
// offered; no result may stay beside a later error, and a drop of several files says which one was used.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs';
import { imageToInput, resizeByArea, type ImageInput, type Prediction } from '@onnx-edge/core';
import { exportModel } from '@onnx-edge/export';
import { startServer, writeModelToRepository, type RunningServer } from '@onnx-edge/serve';
import { selectBackend, SYNTHETIC_CLASS_NAMES } from '@onnx-edge/train';
import {
  axeViolations, CHROMIUM_PATH, chromiumAvailable, classifyExample, classifyInPage, dropFiles, ensureDemoBuilt, executionProvider,
  launchChromium, outcomeOf, readPredictions, switchModel, visibleError, waitForOfflineCache, waitForState, waitUntilInView,
} from '@onnx-edge/web-demo/testing';

const TOLERANCE = 1e-4;
const GRAY = 'shapes-gray64';
const RGB = 'cifar-rgb32';
/** Random weights answer ~10% everywhere; a scaled classifier spreads the probabilities so 1e-4 has teeth. */
const CLASSIFIER_SCALE = 30;

/** A small convolutional classifier with random weights (seeded), its last layer named `probabilities`. */
function classifier(side: number, channels: number, seed: number): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [side, side, channels], filters: 6, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 4 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'probabilities', kernelInitializer: init(2) }),
    ],
  });
  const head = model.getLayer('probabilities');
  head.setWeights(head.getWeights().map((w) => w.mul(CLASSIFIER_SCALE)));
  return model;
}

async function addToRepository(repo: string, name: string, model: tf.LayersModel, options: Parameters<typeof exportModel>[1]): Promise<ImageInput> {
  const { bytes, report } = exportModel(model, options);
  await writeModelToRepository({
    repo, name, onnxBytes: bytes, labels: report.contract.output.labels!, inputName: report.inputs[0]!.name,
    outputNames: report.outputs.map((o) => o.name), dims: report.inputs[0]!.shape.slice(1).map(Number),
  });
  return report.contract.input as ImageInput;
}

describe('the web demo with a non-CIFAR classifier', { skip: chromiumAvailable() ? false : `${CHROMIUM_PATH} is missing` }, () => {
  let server: RunningServer;
  let workDir: string;
  let grayInput: ImageInput;
  let browser: Browser;

  before(async () => {
    const webRoot = ensureDemoBuilt();
    workDir = mkdtempSync(join(tmpdir(), 'onnx-edge-any-classifier-'));
    const repo = join(workDir, 'repo');
    await selectBackend('cpu', () => {}); // builds and reads weights only
    grayInput = await addToRepository(repo, GRAY, classifier(64, 1, 3), {
      inputLayout: 'nhwc',
      contract: { range: [-1, 1], labels: [...SYNTHETIC_CLASS_NAMES], dataset: 'synthetic' },
    });
    await addToRepository(repo, RGB, classifier(32, 3, 5), { contract: { dataset: 'cifar10' } });
    server = await startServer({ repo, host: '127.0.0.1', port: 0, webRoot, logLevel: 'warn' });
    browser = await launchChromium({ webgpu: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /**
   * The server's probabilities for an image file, as the page computes its input: sharp decodes it (alpha
   * dropped), the shared area resize brings it to 64×64, the shared conversion makes it grayscale in [−1, 1];
   * onnxruntime-node runs it (KServe v2).
   */
  async function serverProbabilities(image: Buffer): Promise<number[]> {
    const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const size = { width: grayInput.width!, height: grayInput.height! };
    const pixels = resizeByArea(data, info.width, info.height, 3, { ...size, channels: 3 });
    const input = imageToInput(pixels, 3, size, grayInput);
    const response = await fetch(`${server.url}/v2/models/${GRAY}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, size.height, size.width, 1], datatype: 'FP32', data: [...input] }] }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { outputs: { name: string; data: number[] }[] };
    return body.outputs.find((o) => o.name === 'probabilities')!.data;
  }

  function assertSameAsServer(page: Prediction[], server: number[], what: string): void {
    assert.equal(page.length, 5, `${what}: expected 5 bars`);
    const top1 = server.indexOf(Math.max(...server));
    assert.equal(page[0]!.index, top1, `${what}: page top-1 ${page[0]!.label}, server top-1 ${SYNTHETIC_CLASS_NAMES[top1]}`);
    for (const p of page) {
      const diff = Math.abs(p.probability - server[p.index]!);
      assert.ok(diff <= TOLERANCE, `${what} class ${p.label}: page ${p.probability}, server ${server[p.index]}, |Δ| ${diff}`);
    }
  }

  /** No accessibility violation, reported readably. */
  async function assertAccessible(page: Page, scheme: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.deepEqual(violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.summary}`).join('; ')}`), [], `axe-core in the ${scheme} scheme`);
  }

  test('WASM over a fallback adapter, the runtime fetched once, the model described, an example and a photo give the server’s numbers, axe clean', async () => {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1100, height: 900 } });
    try {
      const binaries: string[] = [];
      context.on('request', (request) => {
        const binary = /\/ort\/([^/?]+\.wasm)/.exec(request.url())?.[1];
        if (binary) binaries.push(binary);
      });
      const page = await context.newPage();
      await page.goto(`${server.url}/?model=${GRAY}`);
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `the model did not load: ${await visibleError(page)}`);

      assert.equal(await executionProvider(page), 'wasm', 'a software WebGPU adapter must not be preferred over WASM');
      assert.match((await page.locator('#ep-note-text').textContent()) ?? '', /software fallback.*WebAssembly/);
      const offer = page.locator('#ep-switch');
      assert.ok(await offer.isVisible(), 'the page offers WebGPU anyway');
      assert.match((await offer.getAttribute('href')) ?? '', /[?&]ep=webgpu/);
      assert.match((await offer.getAttribute('href')) ?? '', new RegExp(`model=${GRAY}`), 'the switch keeps the chosen model');
      assert.match((await page.locator('#rt-download').textContent()) ?? '', /^\d+\.\d MB/, 'the runtime download is reported in bytes');

      assert.match((await page.locator('#model-input').textContent()) ?? '', /^64×64 grayscale, values in \[-1, 1\], NHWC$/);
      assert.match((await page.locator('#model-output').textContent()) ?? '', /^10 classes: circle, square, triangle, cross, ring, …$/);
      assert.match((await page.locator('#model-dataset').textContent()) ?? '', /synthetic shapes/);
      const options = await page.locator('#model-select option').allTextContents();
      assert.equal(options.length, 2);
      assert.match(options.find((o) => o.startsWith(RGB))!, /32×32 RGB, values in \[0, 1\], NCHW · 10 classes/);

      // An example of the shapes it was trained on: the page's numbers are the server's.
      const examples = await page.locator('#example-list button').evaluateAll((buttons) => buttons.map((b) => (b as unknown as { dataset: { file: string } }).dataset.file));
      assert.equal(examples.length, SYNTHETIC_CLASS_NAMES.length, 'one synthetic example per class');
      const example = examples.find((file) => file.endsWith('-ring.png'))!;
      assert.equal(await classifyExample(page, '-ring.png'), 'done', `the example failed: ${await visibleError(page)}`);
      const examplePng = Buffer.from(await (await fetch(`${server.url}/examples/${example}`)).arrayBuffer());
      assertSameAsServer(await readPredictions(page), await serverProbabilities(examplePng), example);
      assert.match((await page.locator('#preview-caption').textContent()) ?? '', /PNG 32×32, resized to 64×64, grayscale/);
      await assertAccessible(page, 'light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await assertAccessible(page, 'dark');

      // A colour photo of another shape, translucent on one side: stretched up one way, shrunk the other.
      const photo = await sharp(examplePng).resize(20, 90, { fit: 'fill' }).ensureAlpha(0.5).png().toBuffer();
      assert.equal(await classifyInPage(page, 'photo-20x90.png', photo, 'image/png', 'picker'), 'done', `${await visibleError(page)}`);
      assertSameAsServer(await readPredictions(page), await serverProbabilities(photo), 'photo-20x90.png');

      assert.equal(await waitForOfflineCache(page), 'ready');
      assert.deepEqual(binaries, ['ort-wasm-simd-threaded.wasm'], 'the runtime binary is fetched once, for running and for the offline cache');
    } finally {
      await context.close();
    }
  });

  test('on a phone the result comes into view after a pick and no Ctrl+V is offered', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/?model=${GRAY}&ep=wasm`);
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `${await visibleError(page)}`);
      assert.equal(await page.locator('.paste-hint').isVisible(), false, 'a touch screen is not told to press Ctrl+V');
      assert.equal(await classifyExample(page, '-square.png'), 'done');
      await waitUntilInView(page, 'bars');
    } finally {
      await context.close();
    }
  });

  test('a drop of several files says it used the first; no result stays beside a later error; the other model shows its own card', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/?model=${GRAY}&ep=wasm`);
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `${await visibleError(page)}`);
      const shape = (file: string) => ({ name: file, mimeType: 'image/png', bytes: Buffer.alloc(0) });
      const [first, second] = await Promise.all(['-cross.png', '-dots.png'].map(async (suffix) => {
        const file = await page.locator(`#example-list button[data-file$="${suffix}"]`).getAttribute('data-file');
        return { ...shape(file!.split('/').pop()!), bytes: Buffer.from(await (await fetch(`${server.url}/examples/${file}`)).arrayBuffer()) };
      }));
      assert.equal(await outcomeOf(page, () => dropFiles(page, [first!, second!])), 'done');
      assert.match((await page.locator('#status').textContent()) ?? '', new RegExp(`2 files were dropped; .*the first, “${first!.name}”, was used`));
      assert.equal((await readPredictions(page)).length, 5);

      assert.equal(await outcomeOf(page, () => dropFiles(page, [])), 'error');
      assert.match((await visibleError(page)) ?? '', /held no file/);
      assert.deepEqual(await readPredictions(page), [], 'the earlier result is gone once an error shows');

      assert.equal(await switchModel(page, RGB), 'ready', `${await visibleError(page)}`);
      assert.match((await page.locator('#model-input').textContent()) ?? '', /^32×32 RGB, values in \[0, 1\], NCHW$/);
      assert.match((await page.locator('#model-dataset').textContent()) ?? '', /CIFAR-10/);
    } finally {
      await context.close();
    }
  });
});
