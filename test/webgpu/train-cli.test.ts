// `onnx-edge train --backend webgpu`, run as a user runs it: WebGPU in Node has no synchronous readback, so every
// read of the training loop, validation, checkpoint and weights.txt must be asynchronous or the command fails.
// A few batches of real CIFAR-10 on the software adapter must give a complete run folder whose model exports
// to ONNX and passes the compiler's parity check.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir, setupWebgpu, teardownWebgpu } from '@onnx-edge/train';
import { sharedData, sharedDataSkip, unavailableInCi } from '@onnx-edge/core/testing';
import { checkSvgWellFormed } from '@onnx-edge/train/testing';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const trainData = sharedData('cifar10-train');
const testData = sharedData('cifar10-sample');

tf.env().set('PROD', true);
const dataMissing = sharedDataSkip('cifar10-train', 'cifar10-sample');
// Only asks whether an adapter exists: the CLI child sets WebGPU up itself.
const probe = await setupWebgpu({ allowSoftwareAdapter: true });
teardownWebgpu();
const webgpuMissing = probe.ok ? false : unavailableInCi(`a WebGPU adapter (scripts/install-system-deps.sh): ${probe.reason}`);

function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the test runner's loader is not what a user has
  return run(process.execPath, [join(repoRoot, 'bin', 'onnx-edge.js'), ...args], { cwd: repoRoot, env, timeout: 120_000, maxBuffer: 16 << 20 });
}

describe('onnx-edge train --backend webgpu', { skip: dataMissing || webgpuMissing }, () => {
  const out = mkdtempSync(join(tmpdir(), 'onnx-edge-webgpu-train-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('trains Inception10 for 2 batches of real CIFAR-10 (precise BatchNorm included), writes the whole run folder, and the model exports with parity', async (t) => {
    const trained = await cli([
      'train', '--model', 'inception10', '--backend', 'webgpu', '--data', trainData, '--val-data', testData,
      '--limit', '32', '--val-limit', '16', '--epochs', '1', '--batch-size', '16', '--seed', '7', '--precise-bn', '32', '--out', out,
    ]);
    t.diagnostic(trained.stdout.split('\n').filter((l) => l.startsWith('backend:')).join('; '));
    assert.match(trained.stdout, /backend: webgpu — WebGPU on /);
    assert.match(trained.stdout, /images\/s on webgpu/);

    for (const file of ['tfjs/model.json', 'tfjs/group1-shard1of1.bin', 'history.json', 'curves.svg', 'weights.txt', 'labels.json', 'summary.txt']) {
      assert.ok(existsSync(join(out, file)), `${file} written`);
    }
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    assert.equal(history.epochs.length, 1);
    assert.ok(Number.isFinite(history.epochs[0].loss) && Number.isFinite(history.epochs[0].val_loss), JSON.stringify(history.epochs[0]));
    assert.equal(history.epochs[0].precise_bn_images, 32, 'BatchNorm statistics re-estimated on the GPU too');
    assert.match(readFileSync(join(out, 'summary.txt'), 'utf8'), /backend\s+webgpu — WebGPU on \S/);
    assert.deepEqual(checkSvgWellFormed(readFileSync(join(out, 'curves.svg'), 'utf8')), []);
    assert.match(readFileSync(join(out, 'weights.txt'), 'utf8'), /^stem\/conv\/kernel\n\(3, 3, 3, 16\)\n\[\[\[\[-?\d/);

    await tf.setBackend('cpu');
    const model = await loadModelFromDir(join(out, 'tfjs'));
    assert.equal(model.name, 'inception10');
    model.dispose();

    await cli(['export', out, '-o', join(out, 'model.onnx'), '--verify', '--verify-data', testData, '--verify-count', '32']);
    const parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8'));
    t.diagnostic(`export parity: ${JSON.stringify(parity)}`);
    assert.ok(existsSync(join(out, 'model.onnx')), 'model.onnx written');
    assert.equal(parity.count, 32);
    assert.equal(parity.top1Agreement, 1);
  });
});
