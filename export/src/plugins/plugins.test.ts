import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../testing/index.ts';
import { exportModel } from '../export.ts';
import { loadPlugins, type PluginSet } from './load.ts';
import { useVerificationBackend } from '../verify/backend.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/plugins/upscalerjs.ts', import.meta.url));
let dir: string;
let example: PluginSet;

/** A layer of a class a plugin registered with tfjs, built from its config like tfjs' loader does. */
function customLayer(className: string, config: Record<string, unknown>): tf.layers.Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[className]!;
  return fromConfig(cls, config as tf.serialization.ConfigDict) as tf.layers.Layer;
}

/** A plugin module written to the temp folder (plain JS: a plugin needs nothing but the api it is given). */
async function pluginFile(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

const IDENTITY_LAYER = `
  class Same extends tf.layers.Layer {
    static className = 'Same';
    call(inputs) { return Array.isArray(inputs) ? inputs[0] : inputs; }
  }`;

before(async () => {
  await useVerificationBackend();
  dir = await mkdtemp(join(tmpdir(), 'onnx-edge-plugins-'));
  example = await loadPlugins([EXAMPLE]);
});
after(() => rm(dir, { recursive: true, force: true }));

test('the example plugin registers MultiplyBeta and PixelShuffle{,2x,3x,4x,8x}', () => {
  assert.deepEqual([...example.classes.keys()].sort(), ['MultiplyBeta', 'PixelShuffle', 'PixelShuffle2x', 'PixelShuffle3x', 'PixelShuffle4x', 'PixelShuffle8x']);
});

for (const [className, config, scale] of [['PixelShuffle', { scale: 3 }, 3], ['PixelShuffle2x', {}, 2], ['PixelShuffle4x', {}, 4]] as const) {
  // MultiplyBeta after the shuffle: right after a Conv its Mul would be folded into the Conv's weights.
  test(`Conv → ${className} → MultiplyBeta → Conv: DepthToSpace and Mul between channels-first Convs, no Transpose inside`, async () => {
    const input = tf.input({ shape: [5, 7, 3] });
    let x = tf.layers.conv2d({ filters: 2 * scale * scale, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    x = customLayer(className, config).apply(x) as tf.SymbolicTensor;
    x = customLayer('MultiplyBeta', { beta: 0.2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    randomizeWeights(model, 3);
    const { report } = await assertParity(model, { export: { plugins: example } });
    // The one Transpose is the NHWC graph output.
    assert.deepEqual(report.opCounts, { Conv: 2, Mul: 1, DepthToSpace: 1, Transpose: 1 });
    assert.deepEqual(report.outputs[0]!.shape, ['N', 5 * scale, 7 * scale, 3]);
  });
}

test('a channels-last op between channels-first layers leaves no Transpose behind', async () => {
  const plugin = await pluginFile('tanh.mjs', `export default ({ tf, registerLayer }) => {
    class TanhLast extends tf.layers.Layer { static className = 'TanhLast'; call(i) { return tf.tanh(Array.isArray(i) ? i[0] : i); } }
    registerLayer('TanhLast', { layerClass: TanhLast, lower: (b) => b.op('Tanh', [b.inputs[0]]) });
  };`);
  const plugins = await loadPlugins([plugin]);
  const input = tf.input({ shape: [4, 4, 2] });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = customLayer('TanhLast', {}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 4);
  const { report } = await assertParity(model, { export: { plugins } });
  assert.deepEqual(report.opCounts, { Conv: 2, Tanh: 1, Transpose: 1 });
});

test('without the plugin the class is unsupported, named with its layer', async () => {
  const input = tf.input({ shape: [4, 4, 4] });
  const model = tf.model({ inputs: input, outputs: customLayer('MultiplyBeta', { beta: 0.5, name: 'scaled' }).apply(input) as tf.SymbolicTensor });
  assert.throws(() => exportModel(model), /UnsupportedLayerError|layer 'scaled' of class 'MultiplyBeta' is not supported/);
});

test('bad plugins: one line naming the plugin (and the class)', async () => {
  const cases: [string, string, RegExp][] = [
    ['throws.mjs', `export default () => { throw new Error('no GPU here\\nsecond line'); };`, /^plugin '.*throws\.mjs' threw while registering: no GPU here$/],
    ['nodefault.mjs', `export const x = 1;`, /^plugin '.*nodefault\.mjs' has no default export function/],
    ['syntax.mjs', `export default (api => {`, /^plugin '.*syntax\.mjs' could not be loaded: SyntaxError/],
    ['builtin.mjs', `export default ({ tf, registerLayer }) => { ${IDENTITY_LAYER}; registerLayer('Conv2D', { layerClass: Same, lower: (b) => b.inputs[0] }); };`, /^plugin '.*builtin\.mjs': class 'Conv2D' is one the exporter handles itself/],
    ['twice.mjs', `export default ({ tf, registerLayer }) => { ${IDENTITY_LAYER}; registerLayer('Same', { layerClass: Same, lower: (b) => b.inputs[0] }); registerLayer('Same', { layerClass: Same, lower: (b) => b.inputs[0] }); };`, /^plugin '.*twice\.mjs': class 'Same' is registered twice \(first by plugin '.*twice\.mjs'\)$/],
    ['noclass.mjs', `export default ({ registerLayer }) => { registerLayer('Thing', { layerClass: class {}, lower: (b) => b.inputs[0] }); };`, /^plugin '.*noclass\.mjs': class 'Thing' needs a layerClass that extends api\.tf\.layers\.Layer$/],
    ['misnamed.mjs', `export default ({ tf, registerLayer }) => { ${IDENTITY_LAYER}; registerLayer('Other', { layerClass: Same, lower: (b) => b.inputs[0] }); };`, /^plugin '.*misnamed\.mjs': class 'Other' has a layerClass whose static className is 'Same'$/],
  ];
  for (const [name, source, expected] of cases) {
    const path = await pluginFile(name, source);
    await assert.rejects(loadPlugins([path]), (err: Error) => err.name === 'PluginError' && expected.test(err.message) && !err.message.includes('\n'), name);
  }
  await assert.rejects(loadPlugins([join(dir, 'missing.mjs')]), /^PluginError: plugin '.*missing\.mjs' does not exist/);
  // The same plugin twice registers every class twice.
  await assert.rejects(loadPlugins([EXAMPLE, EXAMPLE]), /class 'MultiplyBeta' is registered twice \(first by plugin '.*upscalerjs\.ts'\)/);
});

test('a lowering that throws or returns the wrong number of outputs: one line naming plugin, class and layer', async () => {
  const cases: [string, string, RegExp][] = [
    ['lower-throws.mjs', `b => { throw new TypeError('beta missing'); }`, /^plugin '.*lower-throws\.mjs': lowering of class 'Odd' \(layer 'odd'\) threw: TypeError: beta missing$/],
    ['lower-two.mjs', `b => [b.inputs[0], b.inputs[0]]`, /^plugin '.*lower-two\.mjs': lowering of class 'Odd' \(layer 'odd'\) returned 2 outputs; the layer has 1$/],
    ['lower-rank.mjs', `b => b.op('ReduceMean', [b.inputs[0]], { axes: [1], keepdims: 0 }, { rank: 3 })`, /returned a rank-3 tensor as output 0, which has rank 4/],
    ['lower-foreign.mjs', `b => b.op('Relu', [{ rank: 4 }])`, /threw: input 0 of Relu is not a tensor made by this builder$/],
  ];
  for (const [name, lower, expected] of cases) {
    const path = await pluginFile(name, `export default ({ tf, registerLayer }) => {
      class Odd extends tf.layers.Layer { static className = 'Odd'; call(i) { return Array.isArray(i) ? i[0] : i; } }
      registerLayer('Odd', { layerClass: Odd, lower: ${lower} });
    };`);
    const plugins = await loadPlugins([path]);
    const input = tf.input({ shape: [2, 2, 2] });
    const model = tf.model({ inputs: input, outputs: customLayer('Odd', { name: 'odd' }).apply(input) as tf.SymbolicTensor });
    assert.throws(() => exportModel(model, { plugins }), (err: Error) => err.name === 'PluginError' && expected.test(err.message) && !err.message.includes('\n'), name);
  }
});

test('an elementwise op after a Flatten of channels-first data: a scalar keeps the flatten order, a second input restores it', async () => {
  const plugin = await pluginFile('flat.mjs', `export default ({ tf, registerLayer }) => {
    class Twice extends tf.layers.Layer { static className = 'Twice'; call(i) { return tf.mul(Array.isArray(i) ? i[0] : i, 2); } }
    registerLayer('Twice', { layerClass: Twice, lower: (b) => b.op('Mul', [b.inputs[0], b.constant([2])], {}, { layout: 'elementwise' }) });
    class Plus extends tf.layers.Layer { static className = 'Plus'; call(i) { return tf.add(i[0], i[1]); } computeOutputShape(s) { return s[0]; } }
    registerLayer('Plus', { layerClass: Plus, lower: (b) => b.op('Add', [b.inputs[0], b.inputs[1]], {}, { layout: 'elementwise' }) });
  };`);
  const plugins = await loadPlugins([plugin]);
  const input = tf.input({ shape: [3, 3, 2] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({}).apply(conv) as tf.SymbolicTensor;
  const twice = customLayer('Twice', {}).apply(flat) as tf.SymbolicTensor;
  const other = tf.layers.dense({ units: 18 }).apply(tf.layers.flatten({}).apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const plus = customLayer('Plus', {}).apply([twice, other]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [tf.layers.dense({ units: 4 }).apply(twice) as tf.SymbolicTensor, plus] });
  randomizeWeights(model, 8);
  await assertParity(model, { export: { plugins } });
});
