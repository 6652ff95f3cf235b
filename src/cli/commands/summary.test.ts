import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/onnx-edge.js', ...args], { cwd: root, encoding: 'utf8' });

test('onnx-edge summary --model inception10 ends with the Keras totals', () => {
  const result = cli('summary', '--model', 'inception10');
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Model: "inception10"/);
  assert.ok(lines.some((l) => l.startsWith(' block1/inception_a/branch3/conv5x5 (Conv2D)')));
  assert.deepEqual(lines.slice(-3), ['Total params: 121,418', 'Trainable params: 120,234', 'Non-trainable params: 1,184']);
});

test('onnx-edge summary --model resnet18 prints 11,187,914 params', () => {
  const result = cli('summary', '--model', 'resnet18', '--variant', 'seed');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Total params: 11,187,914$/m);
});

test('onnx-edge summary rejects a missing or unknown model with exit code 2', () => {
  assert.equal(cli('summary').status, 2);
  const bad = cli('summary', '--model', 'vgg16');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--model must be one of inception10\|resnet18\|resnet34/);
});
