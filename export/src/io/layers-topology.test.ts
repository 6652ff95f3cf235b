import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { NETWORK_NAMES, VARIANTS } from '@onnx-edge/core';
import { buildNetwork } from '@onnx-edge/train';
import { corpusModels } from '../../testing/model-corpus.ts';
import { checkLayersTopology } from './layers-topology.ts';
import { ModelFileError } from './model-file-error.ts';

type Json = Record<string, any>;

const topologyOf = (model: tf.LayersModel): Json => model.toJSON(null, false) as Json;

/** input → dense_a → dense_b (a functional model), as tfjs saves it. */
function chain(): Json {
  const input = tf.input({ shape: [4], name: 'x' });
  const a = tf.layers.dense({ units: 4, name: 'dense_a' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'dense_b' }).apply(a) as tf.SymbolicTensor;
  return topologyOf(tf.model({ inputs: input, outputs: b, name: 'chain' }));
}

const layer = (topology: Json, name: string): Json => topology['config'].layers.find((l: Json) => l.name === name);

function assertRefused(topology: Json, pattern: RegExp): void {
  assert.throws(() => checkLayersTopology(topology, '/models/m/model.json'), (err: Error) => {
    assert.ok(err instanceof ModelFileError, `${err.name}: ${err.message}`);
    assert.doesNotMatch(err.message, /\n/);
    assert.ok(err.message.length < 500, `a short line (${err.message.length} characters)`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('the topologies of the corpus and of the seed networks pass', async () => {
  const layersModels = corpusModels().filter((m) => m.format === 'layers-model');
  assert.ok(layersModels.length >= 10);
  for (const m of layersModels) checkLayersTopology(JSON.parse(await readFile(m.path, 'utf8')).modelTopology, m.path);
  for (const name of NETWORK_NAMES) {
    for (const variant of VARIANTS) {
      const model = buildNetwork(name, { variant });
      checkLayersTopology(topologyOf(model), `${name}/${variant}`);
      model.dispose();
    }
  }
});

test('shared layers called on their own outputs, nested Sequential and functional sub-models pass', () => {
  const input = tf.input({ shape: [4], name: 'x' });
  // A layer applied to its own earlier output: its second call reads its first.
  const shared = tf.layers.dense({ units: 4, name: 'shared' });
  const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
  const sequential = tf.sequential({ name: 'seq', layers: [tf.layers.dense({ units: 4, inputShape: [4] })] });
  const seqTwice = sequential.apply(sequential.apply(twice)) as tf.SymbolicTensor;
  const innerInput = tf.input({ shape: [4] });
  const inner = tf.model({ name: 'inner', inputs: innerInput, outputs: tf.layers.dense({ units: 2 }).apply(innerInput) as tf.SymbolicTensor });
  const out = inner.apply(seqTwice) as tf.SymbolicTensor;
  checkLayersTopology(topologyOf(tf.model({ inputs: input, outputs: [out, twice] })), 'nested');
  checkLayersTopology(topologyOf(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), inner] })), 'sequential');
  // Keras' h5 conversion wraps the model in model_config.
  checkLayersTopology({ model_config: chain() }, 'wrapped');
});

test('unknown, self-referencing and cyclic inbound nodes are refused naming the layer', () => {
  const unknown = chain();
  layer(unknown, 'dense_b').inbound_nodes = [[['nowhere', 0, 0, {}]]];
  assertRefused(unknown, /^layer 'dense_b' in \/models\/m\/model\.json takes its input from 'nowhere', which is not a layer of the model$/);

  const self = chain();
  layer(self, 'dense_b').inbound_nodes = [[['dense_b', 0, 0, {}]]];
  assertRefused(self, /^layer 'dense_b' in .* takes its own output \(call 0\) as input, which it never produces$/);

  const cycle = chain();
  layer(cycle, 'dense_a').inbound_nodes = [[['dense_b', 0, 0, {}]]];
  assertRefused(cycle, /^layers 'dense_a', 'dense_b' in .* take their inputs from each other in a cycle$/);

  const neverCalled = chain();
  layer(neverCalled, 'dense_b').inbound_nodes = [[['dense_a', 3, 0, {}]]];
  assertRefused(neverCalled, /^layer 'dense_b' in .* takes call 3 of 'dense_a', which is called only 1 time$/);

  const output = chain();
  output['config'].output_layers = [['ghost', 0, 0]];
  assertRefused(output, /^output_layers of .* name 'ghost', which is not a layer of the model$/);

  const twins = chain();
  layer(twins, 'dense_a').name = 'dense_b';
  assertRefused(twins, /has two layers named 'dense_b'/);
});

test('malformed inbound nodes and nested sub-models are refused naming where they are', () => {
  const malformed = chain();
  layer(malformed, 'dense_b').inbound_nodes = [{ args: [], kwargs: {} }];
  assertRefused(malformed, /^layer 'dense_b' in .* has a malformed inbound node \(expected a list of inputs\)$/);
  const badRef = chain();
  layer(badRef, 'dense_b').inbound_nodes = [[['dense_a', -1, 0]]];
  assertRefused(badRef, /malformed inbound node \(expected \[layer name, node index, tensor index, kwargs\]\)/);
  const missing = chain();
  delete layer(missing, 'dense_b').inbound_nodes;
  assertRefused(missing, /layer 'dense_b' .* has no inbound_nodes list/);

  // A cycle inside a sub-model of a Sequential model: the error gives the sub-model's path.
  const inner = chain();
  layer(inner, 'dense_a').inbound_nodes = [[['dense_b', 0, 0, {}]]];
  const outer = { class_name: 'Sequential', config: { name: 'outer', layers: [{ ...inner, name: 'chain' }] } };
  assertRefused(outer, /^layers 'dense_a', 'dense_b' in sub-model 'chain' of \/models\/m\/model\.json take their inputs from each other in a cycle$/);
});

test('a megabyte-long layer name is quoted clipped', () => {
  const long = chain();
  layer(long, 'dense_b').inbound_nodes = [[['x'.repeat(1 << 20), 0, 0, {}]]];
  assertRefused(long, /takes its input from 'x{120}…', which is not a layer of the model/);
});

test('layer names too long to be real are refused, in Sequential and functional models', () => {
  const functional = chain();
  layer(functional, 'dense_b').name = 'y'.repeat(100_000);
  functional['config'].output_layers = [['y'.repeat(100_000), 0, 0]];
  assertRefused(functional, /^\/models\/m\/model\.json has a layer named 'y{60}…' of 100,000 characters; names over 256 are refused$/);
  const sequential = topologyOf(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'z'.repeat(300) })] }));
  assertRefused(sequential, /has a layer named 'z{60}…' of 300 characters/);
});
