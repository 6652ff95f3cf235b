// `--plugin` on the command line: the GAN of the corpus exports and verifies with the example plugin; without
// it, and with plugins that go wrong, the export stops with one line, exit 1 and no output file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { corpusModels, REPO_ROOT } from '@onnx-edge/bench/real-models';
import { saveModelToDir } from '@onnx-edge/train';
import { cleanEnv, startCli } from '../pipeline/cli-process.ts';

const EXAMPLE = join(REPO_ROOT, 'examples', 'plugins', 'upscalerjs.ts');
let dir: string;

async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, cleanEnv({}));
  let stdout = '';
  let stderr = '';
  run.child.stdout!.on('data', (d) => (stdout += d));
  run.child.stderr!.on('data', (d) => (stderr += d));
  return { status: await run.exited, stdout, stderr };
}

/** A one-layer model of a custom class 'Odd' (registered here only to build and save it). */
async function saveOddModel(folder: string): Promise<void> {
  class Odd extends tf.layers.Layer {
    static className = 'Odd';
    override call(inputs: tf.Tensor | tf.Tensor[]) {
      return Array.isArray(inputs) ? inputs[0]! : inputs;
    }
  }
  tf.serialization.registerClass(Odd);
  const input = tf.input({ shape: [4, 4, 3] });
  await saveModelToDir(tf.model({ inputs: input, outputs: new Odd({ name: 'odd' }).apply(input) as tf.SymbolicTensor }), folder);
}

async function plugin(name: string, source: string): Promise<string> {
  await writeFile(join(dir, name), source);
  return join(dir, name);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-edge-plugin-cli-'));
  await saveOddModel(join(dir, 'odd'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('the GAN exports and verifies with --plugin examples/plugins/upscalerjs.ts (export and verify); without it, one line naming the class', async () => {
  const gan = corpusModels().find((m) => m.plugins.includes(EXAMPLE));
  assert.ok(gan, 'the corpus has a model with the custom classes of the example plugin');
  const out = join(dir, 'gans.onnx');
  const without = await cli(['export', gan.modelJson, '-o', out]);
  assert.equal(without.status, 1);
  assert.match(without.stderr.trim(), /^onnx-edge export: ModelFileError: .*Unknown layer: MultiplyBeta/);
  assert.equal(without.stderr.trim().split('\n').length, 1);
  const result = await cli(['export', gan.modelJson, '-o', out, '--plugin', EXAMPLE, '--verify-range', '0,255', '--verify-count', '1']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { sizes: number[][][] };
  assert.equal(report.sizes.length, 2);
  // `verify` loads the tfjs model with the same plugin, here on one size of its choosing.
  const verified = await cli(['verify', out, '--against', gan.modelJson, '--plugin', EXAMPLE, '--range', '0,255', '--count', '1', '--shape', '1x32x40x3']);
  assert.equal(verified.status, 0, verified.stderr);
  assert.deepEqual((JSON.parse(verified.stdout) as { sizes: number[][][] }).sizes, [[[1, 32, 40, 3]]]);
  await rm(out);
  await rm(join(dir, 'parity.json'));
});

test('bad plugins: one line naming the plugin and class, exit 1, no output file', async () => {
  const odd = (lower: string) => `export default ({ tf, registerLayer }) => {
    class Odd extends tf.layers.Layer { static className = 'Odd'; call(i) { return Array.isArray(i) ? i[0] : i; } }
    registerLayer('Odd', { layerClass: Odd, lower: ${lower} });
  };`;
  const cases: [string[], RegExp][] = [
    [[join(dir, 'absent.mjs')], /PluginError: plugin '.*absent\.mjs' does not exist/],
    [[await plugin('throws.mjs', `export default () => { throw new RangeError('needs a GPU'); };`)], /PluginError: plugin '.*throws\.mjs' threw while registering: RangeError: needs a GPU$/],
    [[EXAMPLE, EXAMPLE], /PluginError: plugin '.*upscalerjs\.ts': class 'MultiplyBeta' is registered twice \(first by plugin '.*upscalerjs\.ts'\)$/],
    [[await plugin('two.mjs', odd('(b) => [b.inputs[0], b.inputs[0]]'))], /PluginError: plugin '.*two\.mjs': lowering of class 'Odd' \(layer 'odd'\) returned 2 outputs; the layer has 1$/],
    [[await plugin('fails.mjs', odd(`(b) => { throw new Error('unsupported mode'); }`))], /PluginError: plugin '.*fails\.mjs': lowering of class 'Odd' \(layer 'odd'\) threw: unsupported mode$/],
  ];
  const out = join(dir, 'odd.onnx');
  for (const [plugins, expected] of cases) {
    const result = await cli(['export', join(dir, 'odd'), '-o', out, ...plugins.flatMap((p) => ['--plugin', p])]);
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^onnx-edge export: /);
    assert.match(lines[0]!, expected);
  }
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.onnx') || f === 'parity.json'), []);
});
