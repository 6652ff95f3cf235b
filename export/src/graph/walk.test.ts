import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportGraphModel } from './export.ts';
import { attr, GraphBuilder } from '../../testing/graph-parity.ts';
import { graphModelSourceFromArtifacts } from './load.ts';
import { useVerificationBackend } from '../verify/backend.ts';

const oneLine = (message: string) => !message.includes('\n');

// Weights are decoded by tfjs, which needs its backend ready.
before(() => useVerificationBackend());

test('ops without a handler are refused in one line listing every one with its count', () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.outputs.push(g.op('Mish', [g.op('Mish', [x])], {}, 'a'), g.op('Relu', [g.op('HardSwish', [x])], {}, 'b'));
  assert.throws(() => exportGraphModel(g.source()), (err: Error) => err.name === 'UnsupportedOpsError' && oneLine(err.message)
    && /test-graph uses 2 TF ops the exporter does not translate: HardSwish ×1, Mish ×2 — the \d+ supported ops are listed in docs\/OPS\.md$/.test(err.message));
});

test('an unknown op that no output depends on is not in the way', () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.op('Mish', [x], {}, 'unused');
  g.outputs.push(g.op('Relu', [x], {}, 'used'));
  assert.deepEqual(exportGraphModel(g.source()).report.opCounts, { Relu: 1 });
});

test('a dangling input reference is refused in one line naming the node and the missing input', () => {
  const g = new GraphBuilder();
  g.op('Relu', ['nowhere:0'], {}, 'lost');
  assert.throws(() => g.source(), (err: Error) => err.name === 'ModelFileError' && oneLine(err.message)
    && err.message === "test-graph: node 'lost' (Relu) takes input 'nowhere', which is not a node of the graph");
});

test('a cycle outside a loop frame is refused in one line naming the nodes on it', () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.op('Add', [x, 'b'], {}, 'a');
  g.op('Relu', ['a'], {}, 'b');
  g.outputs.push(g.op('Neg', ['b'], {}, 'out'));
  assert.throws(() => exportGraphModel(g.source()), (err: Error) => err.name === 'GraphStructureError' && oneLine(err.message)
    && /the graph has a cycle outside a loop frame: 'b' → 'a' → 'b'$/.test(err.message));
});

test('a Const whose weight is missing from the manifest is refused in one line naming it', () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.outputs.push(g.op('Add', [x, g.floats([3])], {}, 'sum'));
  const { json, weightData } = g.artifacts();
  const groups = json['weightsManifest'] as { weights: { name: string; shape: number[] }[] }[];
  const [dropped] = groups[0]!.weights.splice(0, 1);
  const source = graphModelSourceFromArtifacts('test-graph', json, weightData.subarray(12));
  assert.throws(() => exportGraphModel(source), (err: Error) => err.name === 'ModelFileError' && oneLine(err.message)
    && err.message === `constant node '${dropped!.name}' has no entry in the weightsManifest: the model.json and its weight files do not belong together`);
});

test('reading output N of a node with fewer outputs is refused by name', () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 3]);
  g.outputs.push(g.op('Relu', [`${g.op('Neg', [x], {}, 'single')}:1`], {}, 'reader'));
  assert.throws(() => exportGraphModel(g.source()), /node 'reader' \(Relu\) reads output 1 of 'single' \(Neg\), which has 1 output\(s\)/);
});

test('malformed attrs and nodes are refused by the reader in one line', () => {
  const g = new GraphBuilder();
  g.op('Relu', [g.input([2])], { alpha: { i: 'x' } }, 'bad');
  assert.throws(() => g.source(), /node 'bad' \(Relu\): attr 'alpha': integer attr value 'x' is not a safe integer/);
  const { json, weightData } = new GraphBuilder().artifacts();
  (json['modelTopology'] as { node: unknown[] }).node.push({ op: 'Relu' });
  assert.throws(() => graphModelSourceFromArtifacts('m', json, weightData), /^ModelFileError: m: modelTopology\.node\[0\] has no name$/);
});

test('attrs are decoded as tfjs writes them: int64 strings, base64 strings, lists, DT_* names and enum numbers, shapes', () => {
  const g = new GraphBuilder();
  g.op('Conv2D', [g.input([-1, 4, 4, 1]), g.floats([1, 1, 1, 1])], {
    strides: attr.ints([1, 2, 2, 1]), padding: attr.string('SAME'), T: { type: 1 }, dilations: { list: { i: [1, '1', '1', 1] } },
    fused: attr.strings(['BiasAdd', 'Relu']), eps: { f: '1e-3' }, empty: {}, shape: attr.shape([-1, 3]),
  }, 'conv');
  const attrs = g.source().model.byName.get('conv')!.attrs;
  assert.deepEqual(attrs.ints('strides'), [1, 2, 2, 1]);
  assert.equal(attrs.string('padding'), 'SAME');
  assert.equal(attrs.type('T'), 'DT_FLOAT');
  assert.deepEqual(attrs.ints('dilations'), [1, 1, 1, 1]);
  assert.deepEqual(attrs.strings('fused'), ['BiasAdd', 'Relu']);
  assert.equal(attrs.float('eps'), 0.001);
  assert.deepEqual(attrs.ints('empty'), []);
  assert.deepEqual(attrs.shape('shape'), [-1, 3]);
  assert.throws(() => attrs.string('strides'), /attr 'strides' is a list, expected string/);
});
