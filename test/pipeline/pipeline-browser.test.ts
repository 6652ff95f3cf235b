// "The demo page classifies an image, starting from onnx-edge pipeline": the pipeline (small configuration)
// trains, exports, verifies and serves; Chromium opens the printed URL, a PNG is dropped on the page, and the
// page's top classes (onnxruntime-web, WASM) must match the server's /classify for the same bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { CHROMIUM_PATH, chromiumAvailable, classifyInPage, ensureDemoBuilt, launchChromium, readPredictions, visibleError, waitForState } from '@onnx-edge/web-demo/testing';
import { cleanEnv, startCli, URL_LINE } from './cli-process.ts';

const TOLERANCE = 1e-4;
const missing = chromiumAvailable() ? undefined : `${CHROMIUM_PATH} is missing: install Debian's chromium (scripts/install-system-deps.sh)`;
if (missing && process.env.CI === 'true') test('browser prerequisites', () => assert.fail(`${missing}; CI installs it and must not skip`));

const work = mkdtempSync(join(tmpdir(), 'onnx-edge-pipeline-browser-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the demo page served by onnx-edge pipeline classifies a dropped image like /classify', { skip: missing && process.env.CI !== 'true' ? missing : false }, async () => {
  ensureDemoBuilt(); // the same fresh build the browser tests use; the pipeline then finds it
  const env = cleanEnv({ XDG_CACHE_HOME: join(work, 'cache') });
  const run = startCli(['pipeline', '--data', 'synthetic', '--limit', '100', '--val-limit', '20', '--epochs', '1', '--out', join(work, 'runs'), '--port', '0'], env);
  const browser = await launchChromium({ webgpu: false });
  try {
    const [, url] = await run.waitFor(URL_LINE, 120_000);
    // A ring drawn at 32×32, the model's input size, so page and server see the same pixels (no resampling,
    // whose browser and server implementations differ slightly).
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#202030"/><circle cx="16" cy="16" r="10" fill="none" stroke="#e0c020" stroke-width="4"/></svg>';
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const response = await fetch(`${url}/classify?top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    assert.equal(response.status, 200, await response.clone().text());
    const server = (await response.json()) as { predictions: { index: number; probability: number; label: string }[] };

    const page = await browser.newPage();
    await page.goto(`${url}/?ep=wasm`);
    assert.equal(await waitForState(page, ['ready', 'error'], 90_000), 'ready', `the model did not load: ${await visibleError(page)}`);
    const state = await classifyInPage(page, 'ring.png', png, 'image/png', 'drop');
    assert.equal(state, 'done', `the page shows an error: ${await visibleError(page)}`);
    const shown = await readPredictions(page);
    assert.equal(shown.length, 5);
    assert.equal(shown[0]!.index, server.predictions[0]!.index, `page top-1 ${shown[0]!.label}, server top-1 ${server.predictions[0]!.label}`);
    for (const p of shown) {
      assert.match(p.label, / \(synthetic\)$/);
      const expected = server.predictions.find((s) => s.index === p.index)!.probability;
      assert.ok(Math.abs(p.probability - expected) <= TOLERANCE, `${p.label}: page ${p.probability}, server ${expected}`);
    }
  } finally {
    await browser.close();
    run.child.kill('SIGINT');
  }
  assert.equal(await run.exited, 0, run.output());
});
