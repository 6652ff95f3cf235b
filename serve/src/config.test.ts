import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@onnx-edge/core/cli';
import { settingsFromEnv } from './config.ts';

test('settingsFromEnv reads ONNX_EDGE_* variables and leaves absent ones out', () => {
  assert.deepEqual(settingsFromEnv({}), {});
  assert.deepEqual(settingsFromEnv({
    ONNX_EDGE_REPO: 'models', ONNX_EDGE_PORT: '0', ONNX_EDGE_HOST: '0.0.0.0', ONNX_EDGE_EP: 'cpu', ONNX_EDGE_MAX_BATCH: '16',
    ONNX_EDGE_MAX_QUEUE_DELAY_MS: '0.5', ONNX_EDGE_MAX_QUEUE: '100', ONNX_EDGE_INSTANCES: '2', ONNX_EDGE_CORS: 'https://a.example, https://b.example', ONNX_EDGE_LOG_LEVEL: 'warn', ONNX_EDGE_HTTP_NICE: '5',
  }), {
    repo: 'models', port: 0, host: '0.0.0.0', ep: 'cpu', maxBatch: 16, maxQueueDelayMs: 0.5, maxQueue: 100, instances: 2, cors: ['https://a.example', 'https://b.example'], logLevel: 'warn', httpNice: 5,
  });
});

test('settingsFromEnv names the variable and the allowed values when one is wrong', () => {
  assert.throws(() => settingsFromEnv({ ONNX_EDGE_PORT: '70000' }), (e: unknown) => e instanceof ConfigError && /ONNX_EDGE_PORT must be an integer from 0 to 65535/.test(e.message));
  assert.throws(() => settingsFromEnv({ ONNX_EDGE_EP: 'tpu' }), /ONNX_EDGE_EP must be one of auto\|cuda\|cpu/);
  assert.throws(() => settingsFromEnv({ ONNX_EDGE_MAX_BATCH: '0' }), /ONNX_EDGE_MAX_BATCH/);
  assert.throws(() => settingsFromEnv({ ONNX_EDGE_HTTP_NICE: '20' }), /ONNX_EDGE_HTTP_NICE must be an integer from 0 to 19/);
});
