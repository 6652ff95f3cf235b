import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from './index.ts';

test('a ModelProto survives encode/decode with the official field numbers', () => {
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'onnx-edge',
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 0 }] } } } }],
    },
    metadataProps: [{ key: 'k', value: 'v' }],
  }).finish();
  // Field 1 (ir_version, varint) comes first: tag byte (1 << 3 | 0) = 0x08, value 8.
  assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 8]);
  const model = onnx.ModelProto.decode(bytes);
  assert.equal(Number(model.irVersion), 8);
  assert.equal(Number(model.opsetImport[0]!.version), 17);
  const graph = model.graph as onnx.GraphProto;
  const dims = (graph.input[0]!.type as onnx.TypeProto).tensorType!.shape!.dim as onnx.TensorShapeProto.Dimension[];
  assert.equal(dims[0]!.dimParam, 'N');
  // dim_value 0 sits in a oneof, so proto3 still writes it: presence survives.
  assert.equal(dims[1]!.value, 'dimValue');
  assert.equal(model.metadataProps[0]!.value, 'v');
});
