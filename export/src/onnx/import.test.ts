import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnx } from '@onnx-edge/proto';
import { buildNetwork } from '@onnx-edge/train';
import { exportModel, PRODUCER_VERSION } from '../export.ts';
import { importModel, OnnxImportError } from './import.ts';
import { serializeModel } from './serialize.ts';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function reserialize(bytes: Uint8Array): Uint8Array {
  const { graph, opset, metadata } = importModel(bytes);
  return serializeModel(graph, { opset, producerVersion: PRODUCER_VERSION, metadata });
}

test('export → import → serialize gives the same bytes (both seed networks)', () => {
  for (const name of ['inception10', 'resnet18'] as const) {
    const model = buildNetwork(name, { seed: 3 });
    const { bytes } = exportModel(model, { contract: { dataset: 'cifar10' } });
    model.dispose();
    assert.ok(Buffer.from(reserialize(bytes)).equals(Buffer.from(bytes)), `${name}: the round trip changed the file`);
  }
});

function modelBytes(graph: onnx.IGraphProto, opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: '', version: 17 }]): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport, graph, metadataProps: [{ key: 'k', value: 'v' }] }).finish();
}

const vector = (name: string, dims: onnx.TensorShapeProto.IDimension[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } } });

test('typed-field initializers, unknown dimensions and omitted optional inputs are read as the file says', () => {
  const bytes = modelBytes({
    name: 'g',
    initializer: [
      { name: 'lo', dims: [], dataType: FLOAT, floatData: [-1] },
      { name: 'shape', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1, '9223372036854775807' as unknown as number] },
    ],
    node: [
      { opType: 'Clip', input: ['x', '', 'lo'], output: ['y'], name: 'clip' },
      { opType: 'Shape', input: ['y'], output: ['s'] },
    ],
    input: [vector('x', [{ dimParam: 'N' }, {}, { dimValue: 4 }])],
    output: [vector('y', [{ dimParam: 'N' }, {}, { dimValue: 4 }]), { name: 's', type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64 } } }],
  });
  const { graph, opset, metadata } = importModel(bytes);
  assert.equal(opset, 17);
  assert.deepEqual(metadata, [['k', 'v']]);
  assert.deepEqual(graph.inputs[0]!.shape, ['N', 'unk__0', 4]);
  const clip = graph.nodes[0]!;
  assert.deepEqual(clip.inputs.map((v) => v.name), ['x', '', 'lo']);
  assert.equal(clip.inputs[2]!.constant!.data[0], -1);
  assert.deepEqual([...graph.constants[1]!.constant!.data as BigInt64Array], [-1n, 2n ** 63n - 1n]);
  assert.equal(graph.nodes[1]!.outputs[0]!.dtype, 'int64');
  assert.deepEqual(graph.outputs.map((v) => v.name), ['y', 's']);
});

test('refusals name the thing: foreign domains, subgraphs, external data, unsorted nodes, other bytes', () => {
  const single = (node: onnx.INodeProto, initializer: onnx.ITensorProto[] = []) =>
    modelBytes({ name: 'g', node: [node], initializer, input: [vector('x', [{ dimValue: 1 }])], output: [vector('y', [{ dimValue: 1 }])] });
  const refuses = (bytes: Uint8Array, pattern: RegExp) => assert.throws(() => importModel(bytes), (e: unknown) => e instanceof OnnxImportError && pattern.test(e.message) && !e.message.includes('\n'));
  refuses(single({ opType: 'FusedConv', domain: 'com.microsoft', input: ['x'], output: ['y'], name: 'f' }), /node 'f' of op 'FusedConv' is in domain 'com.microsoft'/);
  refuses(single({ opType: 'If', input: ['x'], output: ['y'], name: 'branch', attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: {} }] }), /attribute 'then_branch' of node 'branch' .* GRAPH/);
  refuses(single({ opType: 'Add', input: ['x', 'w'], output: ['y'] }, [{ name: 'w', dims: [1], dataType: FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL }]), /initializer 'w' keeps its data in an external file/);
  refuses(single({ opType: 'Add', input: ['x', 'later'], output: ['y'], name: 'add' }), /node 'add' of op 'Add' reads 'later'/);
  refuses(single({ opType: 'Add', input: ['x', 'w'], output: ['y'] }, [{ name: 'w', dims: [1], dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: [1] }]), /initializer 'w' has element type DOUBLE/);
  refuses(new TextEncoder().encode('<html>not a model</html>'), /not an ONNX model/);
});
