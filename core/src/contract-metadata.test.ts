import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CIFAR10_LABELS, SEED_CONTRACT, type ModelContract } from './contract.ts';
import { ContractError, contractFromMetadata, contractToMetadata, METADATA_KEYS, parseColor, parseRange } from './contract-metadata.ts';

const EMOTION: ModelContract = {
  input: { kind: 'image', height: 64, width: 64, color: 'GRAY', layout: 'NHWC', range: [-1, 1], mean: [0], std: [1] },
  output: { kind: 'logits', labels: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] },
  dataset: 'fer2013',
};
const IMAGENET: ModelContract = {
  input: { kind: 'image', color: 'BGR', layout: 'NCHW', range: [0, 255], mean: [103.939, 116.779, 123.68], std: [1] },
  output: { kind: 'probabilities' },
};
const UPSCALER: ModelContract = {
  input: { kind: 'image', color: 'RGBA', layout: 'NHWC', range: [0, 255], mean: [0], std: [1] },
  output: { kind: 'image', range: [0, 255], layout: 'NHWC' },
};
const TENSOR: ModelContract = { input: { kind: 'tensor' }, output: { kind: 'tensor' } };

const asMetadata = (contract: ModelContract) => Object.fromEntries(contractToMetadata(contract));

test('every contract survives writing and reading back, field for field', () => {
  for (const contract of [EMOTION, IMAGENET, UPSCALER, TENSOR, SEED_CONTRACT]) {
    assert.deepEqual(contractFromMetadata(asMetadata(contract)), contract);
  }
});

test('the entries are plain text a person can read in Netron', () => {
  assert.deepEqual(contractToMetadata(EMOTION), [
    [METADATA_KEYS.inputKind, 'image'],
    [METADATA_KEYS.inputHeight, '64'],
    [METADATA_KEYS.inputWidth, '64'],
    [METADATA_KEYS.inputChannels, '1'],
    [METADATA_KEYS.inputColor, 'GRAY'],
    [METADATA_KEYS.inputLayout, 'NHWC'],
    [METADATA_KEYS.inputRange, '-1,1'],
    [METADATA_KEYS.inputMean, '0'],
    [METADATA_KEYS.inputStd, '1'],
    [METADATA_KEYS.outputKind, 'logits'],
    [METADATA_KEYS.labels, JSON.stringify(EMOTION.output.labels)],
    [METADATA_KEYS.dataset, 'fer2013'],
  ]);
});

test('files from before the contract read as the seed contract with what they carry', () => {
  assert.deepEqual(contractFromMetadata({}), SEED_CONTRACT);
  const old = contractFromMetadata({
    [METADATA_KEYS.labels]: '["p","q"]', [METADATA_KEYS.inputLayout]: 'NHWC', [METADATA_KEYS.inputScale]: String(1 / 255),
    [METADATA_KEYS.inputColor]: 'RGB', [METADATA_KEYS.dataset]: 'synthetic',
  });
  assert.deepEqual(old, {
    input: { ...SEED_CONTRACT.input, layout: 'NHWC', range: [0, 1] },
    output: { kind: 'probabilities', labels: ['p', 'q'] },
    dataset: 'synthetic',
  });
  assert.deepEqual(contractFromMetadata({ [METADATA_KEYS.inputLayout]: 'NCHW' }).output.labels, CIFAR10_LABELS);
});

test('every malformed entry is refused with its key named, in one line', () => {
  const good = asMetadata(EMOTION);
  const cases: [Record<string, string>, RegExp][] = [
    [{ [METADATA_KEYS.inputKind]: 'audio' }, /onnx_edge\.input_kind: expected one of image, tensor, got "audio"/],
    [{ [METADATA_KEYS.inputRange]: '1,-1' }, /onnx_edge\.input_range: expected "lo,hi" with lo < hi/],
    [{ [METADATA_KEYS.inputRange]: '0;1' }, /onnx_edge\.input_range: expected comma-separated numbers/],
    [{ [METADATA_KEYS.inputHeight]: '64.5' }, /onnx_edge\.input_height: expected a whole number of pixels/],
    [{ [METADATA_KEYS.inputChannels]: '3' }, /input_channels \(3\) and onnx_edge\.input_color \(GRAY\) disagree/],
    [{ [METADATA_KEYS.inputColor]: 'CMYK' }, /onnx_edge\.input_color: expected 1, 3, 4 or one of GRAY/],
    [{ [METADATA_KEYS.inputLayout]: 'nhwc' }, /onnx_edge\.input_layout: expected one of NCHW, NHWC/],
    [{ [METADATA_KEYS.inputMean]: '0.1,0.2' }, /onnx_edge\.input_mean has 2 values for 1 channels/],
    [{ [METADATA_KEYS.inputStd]: '0' }, /onnx_edge\.input_std: expected numbers above 0/],
    [{ [METADATA_KEYS.outputKind]: 'boxes' }, /onnx_edge\.output_kind: expected one of probabilities, logits, image, tensor/],
    [{ [METADATA_KEYS.labels]: '["a", 3]' }, /onnx_edge\.labels: expected a non-empty JSON array of class names/],
    [{ [METADATA_KEYS.labels]: 'cat,dog' }, /onnx_edge\.labels: expected a JSON array/],
    [{ [METADATA_KEYS.outputRange]: '0,1' }, /output_range for an output of kind 'logits'/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => contractFromMetadata({ ...good, ...change }), (error: Error) => {
      assert.ok(error instanceof ContractError, `${JSON.stringify(change)}: ${error.name}`);
      assert.match(error.message, message);
      assert.match(error.message, /re-export the model with 'onnx-edge export'/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
  const withoutLayout = { ...good };
  delete withoutLayout[METADATA_KEYS.inputLayout];
  assert.throws(() => contractFromMetadata(withoutLayout), /onnx_edge\.input_layout is missing although onnx_edge\.input_kind is set/);
  const onlyHeight = { ...good };
  delete onlyHeight[METADATA_KEYS.inputWidth];
  assert.throws(() => contractFromMetadata(onlyHeight), /only one of onnx_edge\.input_height and onnx_edge\.input_width/);
  assert.throws(() => contractFromMetadata({ ...asMetadata(UPSCALER), [METADATA_KEYS.labels]: '["x"]' }), /labels for an output of kind 'image'/);
  assert.throws(() => contractFromMetadata({ [METADATA_KEYS.labels]: '{}' }), /onnx_edge\.labels/, 'old files are validated too');
  assert.throws(() => contractFromMetadata({ [METADATA_KEYS.inputColor]: 'GRAY' }), /a file without onnx_edge\.input_kind takes 3-channel images/);
});

test('the value parsers take what the command line takes', () => {
  assert.deepEqual(parseRange('-1, 1'), [-1, 1]);
  assert.deepEqual(parseRange('0,255'), [0, 255]);
  assert.throws(() => parseRange('0,1,2'), /expected "lo,hi"/);
  assert.equal(parseColor('gray'), 'GRAY');
  assert.equal(parseColor('1'), 'GRAY');
  assert.equal(parseColor('4'), 'RGBA');
  assert.equal(parseColor('bgr'), 'BGR');
  assert.throws(() => parseColor('2'), /expected 1, 3, 4 or one of/);
});
