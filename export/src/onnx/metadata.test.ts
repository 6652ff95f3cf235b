import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnx } from '@onnx-edge/proto';
import { METADATA_KEYS, readOnnxMetadata } from '@onnx-edge/core';

/** A real ModelProto (encoded by the generated protobuf code) whose large graph comes before its metadata. */
function encodeModel(metadata: Record<string, string>): Uint8Array {
  const weights = new Float32Array(50_000).map((_, i) => Math.sin(i));
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'metadata.test',
    docString: 'a model whose graph comes before its metadata',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      initializer: [{ name: 'w', dims: [weights.length], dataType: 1, rawData: new Uint8Array(weights.buffer) }],
      node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
      output: [{ name: 'y' }],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  })).finish();
}

test('reads metadata_props behind a large graph', () => {
  const metadata = {
    [METADATA_KEYS.labels]: JSON.stringify(['chat', 'chien', 'oiseau']),
    [METADATA_KEYS.inputLayout]: 'NHWC',
    'note': 'ünïcödé ✓',
  };
  assert.deepEqual(readOnnxMetadata(encodeModel(metadata)), metadata);
});

test('reads exactly the metadata_props, nothing from the graph or other fields', () => {
  const meta = readOnnxMetadata(encodeModel({ [METADATA_KEYS.labels]: '["x","y"]', [METADATA_KEYS.inputLayout]: 'NHWC' }));
  assert.deepEqual(meta, { [METADATA_KEYS.labels]: '["x","y"]', [METADATA_KEYS.inputLayout]: 'NHWC' });
});

test('a model without metadata gives an empty object', () => {
  assert.deepEqual(readOnnxMetadata(encodeModel({})), {});
});

test('truncated model bytes are refused, not misread', () => {
  const bytes = encodeModel({ [METADATA_KEYS.labels]: '["a"]' });
  assert.throws(() => readOnnxMetadata(bytes.subarray(0, bytes.length - 3)), RangeError);
});

test('text in place of a model is refused', () => {
  assert.throws(() => readOnnxMetadata(new TextEncoder().encode('<html>not a model</html>')), RangeError);
});
