import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { formatAdapter, isSoftwareAdapter, moveWeightsToActiveBackend, setupWebgpu, teardownWebgpu, type WebgpuSetup } from './webgpu.ts';

const moduleUrl = new URL('./webgpu.ts', import.meta.url).href;
const repoRoot = new URL('../../../', import.meta.url).pathname;

// Runs `body` (ESM, with `setupWebgpu`, `teardownWebgpu` and `tf` in scope) in a fresh Node process.
function runChild(body: string, env: Record<string, string> = {}, timeoutMs = 20_000) {
  const script = `import * as tf from '@tensorflow/tfjs';\nconst { setupWebgpu, teardownWebgpu } = await import(${JSON.stringify(moduleUrl)});\n${body}`;
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env },
  });
  return { ...child, seconds: (Date.now() - started) / 1000 };
}

// A machine without the Vulkan loader or any driver cannot run these tests; CI installs both
// (scripts/install-system-deps.sh), so there the absence is a failure, not a skip.
const probe: WebgpuSetup = await setupWebgpu({ allowSoftwareAdapter: true });
const skip = probe.ok ? false : `webgpu unavailable here: ${probe.reason}`;
if (!probe.ok && process.env.CI === 'true') throw new Error(`CI must provide a WebGPU adapter (scripts/install-system-deps.sh): ${probe.reason}`);

describe('webgpu backend setup (Dawn in Node)', { skip }, () => {
  after(() => teardownWebgpu());

  it('finds an adapter, names it, and tfjs computes on it', async () => {
    assert.ok(probe.ok);
    const { adapter } = probe;
    assert.ok(adapter.vendor || adapter.description, 'the adapter reports a vendor or description');
    assert.match(formatAdapter(adapter), / \/ .+ \/ /);
    assert.ok(await tf.setBackend('webgpu'), 'tf.setBackend("webgpu") succeeds after setup');
    assert.equal(tf.getBackend(), 'webgpu');
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
    assert.deepEqual(Array.from(await product.data()), [19, 22, 43, 50]);
    product.dispose();
    await tf.setBackend('cpu');
  });

  it('a synchronous read of a GPU tensor names the asynchronous alternative', async () => {
    await tf.setBackend('webgpu');
    // A matMul runs on the GPU whatever its size (small elementwise ops may be forwarded to the CPU).
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    assert.throws(() => product.dataSync(), /cannot read a GPU tensor synchronously.*await tensor\.data\(\)/);
    assert.deepEqual(Array.from(await product.data()), [11]);
    product.dispose();
    await tf.setBackend('cpu');
  });

  it('moveWeightsToActiveBackend brings a webgpu-trained model to the cpu backend', async () => {
    await tf.setBackend('webgpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: 'ones' })] });
    const inputs = [[1, 2, 3, 4], [0, 1, 0, 1]];
    const xs = tf.tensor2d(inputs);
    tf.train.sgd(0.1).minimize(() => (model.apply(xs) as tf.Tensor).square().mean() as tf.Scalar);
    const onGpu = Array.from(await (model.predict(xs) as tf.Tensor).data());
    await assert.rejects(moveWeightsToActiveBackend(model), /set the target backend first/);
    await tf.setBackend('cpu');
    await moveWeightsToActiveBackend(model);
    const onCpu = Array.from((model.predict(tf.tensor2d(inputs)) as tf.Tensor).dataSync());
    assert.equal(onCpu.length, 6);
    onCpu.forEach((value, i) => assert.ok(Math.abs(value - onGpu[i]!) < 1e-5, `output ${i}: cpu ${value} vs webgpu ${onGpu[i]}`));
    assert.ok(onCpu.some((value) => Math.abs(value - 10) > 1e-3), 'the SGD step changed the all-ones weights');
  });

  it('repeated setup reuses the same adapter', async () => {
    const again = await setupWebgpu({ allowSoftwareAdapter: true });
    assert.deepEqual(again, probe);
  });

  it('uses a software adapter only when allowed', async () => {
    assert.ok(probe.ok);
    const strict = await setupWebgpu({ allowSoftwareAdapter: false });
    if (isSoftwareAdapter(probe.adapter)) {
      assert.equal(strict.ok, false);
      assert.ok(!strict.ok && /software adapter/.test(strict.reason), `reason names the software adapter: ${JSON.stringify(strict)}`);
      assert.ok(!strict.ok && strict.reason.includes(probe.adapter.vendor));
    } else {
      assert.deepEqual(strict, probe);
    }
  });

  it('llvmpipe/lavapipe/SwiftShader count as software adapters, a discrete GPU does not', () => {
    const base = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false };
    assert.ok(isSoftwareAdapter({ ...base, vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15' }));
    assert.ok(isSoftwareAdapter({ ...base, vendor: 'google', description: 'SwiftShader Device (Subzero)' }));
    assert.ok(isSoftwareAdapter({ ...base, vendor: 'nvidia', isFallbackAdapter: true }));
    assert.ok(!isSoftwareAdapter({ ...base, vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }));
  });

  it('gives one clear line when no Vulkan driver offers an adapter', () => {
    // An ICD list naming no driver: the loader is present but finds nothing, as on a host without a GPU driver.
    const child = runChild(
      'console.log(JSON.stringify(await setupWebgpu({ allowSoftwareAdapter: true })));',
      { VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
    );
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as WebgpuSetup;
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason.startsWith('webgpu: ') && !result.reason.includes('\n'), JSON.stringify(result));
    assert.match(!result.ok ? result.reason : '', /no usable adapter/);
  });

  it('Node exits promptly after teardown', () => {
    const child = runChild(`
      const setup = await setupWebgpu({ allowSoftwareAdapter: true });
      if (!setup.ok) throw new Error(setup.reason);
      await tf.setBackend('webgpu');
      const x = tf.variable(tf.randomNormal([8, 8], 0, 1, 'float32', 1));
      tf.train.adam(1e-3).minimize(() => tf.matMul(x, x).square().mean());
      console.log('sum', (await x.sum().data())[0]);
      teardownWebgpu();
      console.log(globalThis.navigator?.gpu === undefined && globalThis.GPUBufferUsage === undefined ? 'globals removed' : 'globals left behind');
    `, {}, 15_000);
    assert.equal(child.error, undefined, `child did not exit within 15 s: ${String(child.error)}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /^sum -?\d/m);
    assert.match(child.stdout, /globals removed/);
    assert.ok(child.seconds < 15);
  });
});
