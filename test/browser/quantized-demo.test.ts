// Quantized models in the web demo: a repository serving Inception10 in float32, int8 and fp16 side by side.
// The int8 model runs on onnxruntime-web's WASM kernels (its WebGPU provider has no integer ones); the fp16
// model runs on WebGPU where the adapter has float16 shaders, and otherwise the page runs the float original
// from the same server and says so. Every answer is checked against the server's /classify of that model.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { exportModel } from '@onnx-edge/export';
import { quantizeModel } from '@onnx-edge/export/quantize';
import { startServer, writeModelToRepository, type RunningServer } from '@onnx-edge/serve';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import {
  CHROMIUM_PATH, chromiumAvailable, classifyInPage, ensureDemoBuilt, executionProvider, launchChromium, readPredictions, visibleError, waitForState,
} from '@onnx-edge/web-demo/testing';
import { cifarPngs, type CifarPng } from './cifar-png.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sampleDir = join(repoRoot, '..', 'shared', 'data', 'cifar10-sample');
/** Spreads the untrained network's probabilities as a trained one's are (see demo.test.ts). */
const CLASSIFIER_SCALE = 40;
/** Same model file, onnxruntime-web's kernels against onnxruntime-node's. */
const TOLERANCE = { fp32: 1e-4, int8: 2e-2, fp16: 2e-2 };

const missing = !chromiumAvailable() ? `${CHROMIUM_PATH} is missing` : !existsSync(sampleDir) ? 'the CIFAR-10 sample is missing at ../shared/data/cifar10-sample' : undefined;
if (missing && process.env.CI === 'true') test('quantized demo prerequisites', () => assert.fail(`${missing}; CI must have them`));

describe('quantized models in the web demo', { skip: missing && process.env.CI !== 'true' ? missing : false }, () => {
  let server: RunningServer;
  let repo: string;
  let images: CifarPng[];

  before(async () => {
    const webRoot = ensureDemoBuilt();
    await selectBackend('cpu', () => {});
    const network = buildNetwork('inception10', { seed: 7 });
    const classifier = network.layers.filter((layer) => layer.getClassName() === 'Dense').at(-1)!;
    classifier.setWeights(classifier.getWeights().map((weights) => weights.mul(CLASSIFIER_SCALE)));
    const float = exportModel(network).bytes;
    network.dispose();
    const files: Record<string, Uint8Array> = {
      inception10: float,
      'inception10-int8': (await quantizeModel(float, { precision: 'int8', calibration: sampleDir, calibrationCount: 64 })).serialize(),
      'inception10-fp16': (await quantizeModel(float, { precision: 'fp16' })).serialize(),
    };
    repo = mkdtempSync(join(tmpdir(), 'onnx-edge-quantized-demo-'));
    for (const [name, onnxBytes] of Object.entries(files)) {
      await writeModelToRepository({ repo, name, onnxBytes, labels: CIFAR10_LABELS });
    }
    server = await startServer({ repo, host: '127.0.0.1', port: 0, webRoot, logLevel: 'warn' });
    images = await cifarPngs(join(sampleDir, 'sample_batch_000.bin'), 0, 2);
  });

  after(async () => {
    await server?.close();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  async function serverProbabilities(model: string, image: CifarPng): Promise<number[]> {
    const response = await fetch(`${server.url}/classify?model=${model}&top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image.png });
    assert.equal(response.status, 200);
    const probabilities: number[] = [];
    for (const p of ((await response.json()) as { predictions: { index: number; probability: number }[] }).predictions) probabilities[p.index] = p.probability;
    return probabilities;
  }

  /** Loads `?model=…` and classifies the images; compares with what the server answers for `servedAs`. */
  async function expectLikeServer(page: Page, servedAs: string, tolerance: number): Promise<void> {
    for (const image of images) {
      assert.equal(await classifyInPage(page, image.name, image.png, 'image/png', 'picker'), 'done', `${image.name}: ${await visibleError(page)}`);
      const expected = await serverProbabilities(servedAs, image);
      const shown = await readPredictions(page);
      assert.equal(shown[0]!.index, expected.indexOf(Math.max(...expected)), `${image.name}: top-1 differs from ${servedAs} on the server`);
      for (const p of shown) assert.ok(Math.abs(p.probability - expected[p.index]!) <= tolerance, `${image.name} class ${p.label}: page ${p.probability}, server ${expected[p.index]}`);
    }
  }

  const note = (page: Page) => page.$eval('#ep-note', (element) => element.textContent ?? '');

  test('the int8 model runs on WASM, even where WebGPU is offered, and answers like the server', async () => {
    const browser = await launchChromium({ webgpu: true });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?model=inception10-int8&ep=webgpu`);
      assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', await visibleError(page));
      assert.equal(await executionProvider(page), 'wasm');
      assert.match(await note(page), /int8 models run on WebAssembly/);
      await expectLikeServer(page, 'inception10-int8', TOLERANCE.int8);
    } finally {
      await browser.close();
    }
  });

  test('the fp16 model runs on WebGPU with float16 shaders, else the page runs the float model and says so', async (t) => {
    for (const webgpu of [true, false]) {
      const browser = await launchChromium({ webgpu });
      try {
        const page = await browser.newPage();
        await page.goto(`${server.url}/?model=inception10-fp16`);
        const shaderF16 = await page.evaluate(async () => {
          const { gpu } = (globalThis as unknown as { navigator: { gpu?: { requestAdapter(): Promise<{ features: { has(f: string): boolean } } | null> } } }).navigator;
          return (await gpu?.requestAdapter())?.features.has('shader-f16') ?? false;
        });
        assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', await visibleError(page));
        t.diagnostic(`${webgpu ? 'WebGPU offered' : 'no WebGPU'}: ${shaderF16 ? 'fp16 on WebGPU (shader-f16)' : 'no shader-f16: the float model ran'}`);
        if (shaderF16) {
          assert.equal(await executionProvider(page), 'webgpu');
          await expectLikeServer(page, 'inception10-fp16', TOLERANCE.fp16);
        } else {
          assert.match(await note(page), /running the float model inception10 instead/);
          await expectLikeServer(page, 'inception10', TOLERANCE.fp32);
        }
      } finally {
        await browser.close();
      }
    }
  });
});
