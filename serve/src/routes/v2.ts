// Open Inference Protocol (KServe v2) REST: health, server and model metadata, readiness, JSON inference.
// Errors on these routes use the protocol's own body, {"error": "..."} (see errors.ts and app.ts).
import { Hono, type Context } from 'hono';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';
import { readBody } from '../body.ts';
import { notFound, unsupportedMediaType } from '../errors.ts';
import type { ServedModel } from '../inference/served-model.ts';
import { SERVER_NAME, SERVER_VERSION } from '../version.ts';

function modelFor(deps: AppDeps, c: Context<AppEnv>): ServedModel {
  const model = findModel(deps, c.req.param('model'));
  const version = c.req.param('version');
  if (version !== undefined && version !== String(model.version)) {
    throw notFound(`model '${model.name}' has no version '${version}'; version ${model.version} is served`);
  }
  return model;
}

function metadata(model: ServedModel) {
  const classes = model.labels.length;
  return {
    name: model.name,
    versions: [String(model.version)],
    platform: 'onnxruntime_onnx',
    inputs: [{ name: model.inputName, datatype: 'FP32', shape: [-1, ...model.inputDims] }],
    outputs: model.outputNames.map((name) => ({ name, datatype: 'FP32', shape: [-1, classes] })),
    parameters: {
      execution_provider: model.executionProvider,
      execution_provider_reason: model.executionProviderReason,
      max_batch_size: model.batcher.options.maxBatch,
      max_queue_delay_ms: model.batcher.options.maxDelayMs,
      input_layout: model.inputLayout,
      labels: model.labels,
    },
  };
}

/** application/json, or a JSON type with a +json suffix. */
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;

/**
 * Inference bodies are JSON and must say so: a text/plain (or untyped) POST is what a cross-origin form or a
 * fetch() without CORS preflight sends, and running inference for such a page is not the server's to do.
 */
function requireJson(c: Context<AppEnv>): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_TYPE.test(type)) throw unsupportedMediaType(`content type '${type || '(none)'}' is not accepted: send the inference request as application/json`);
}

export function v2Routes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v2', function serverMetadata(c) {
    return c.json({ name: SERVER_NAME, version: SERVER_VERSION, extensions: [] });
  });
  app.get('/v2/health/live', function live(c) {
    return c.json({ live: true });
  });
  app.get('/v2/health/ready', function ready(c) {
    const isReady = deps.lifecycle.ready;
    return c.json({ ready: isReady }, isReady ? 200 : 503);
  });
  for (const base of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(base, function modelMetadata(c) {
      return c.json(metadata(modelFor(deps, c)));
    });
    app.get(`${base}/ready`, function modelReady(c) {
      const model = modelFor(deps, c);
      const isReady = deps.lifecycle.ready;
      return c.json({ name: model.name, ready: isReady }, isReady ? 200 : 503);
    });
    app.post(`${base}/infer`, async function infer(c) {
      const model = modelFor(deps, c);
      requireJson(c);
      const bytes = await readBody(c, deps.limits.maxBodyBytes);
      const itemSize = model.batcher.options.itemSize;
      const spec = { modelName: model.name, inputName: model.inputName, inputDims: model.inputDims, outputNames: model.outputNames, maxValues: model.batcher.options.maxQueue * itemSize };
      const request = await deps.inferParser.parse(bytes, spec);
      const items = Array.from({ length: request.batch }, (_, i) => request.data.subarray(i * itemSize, (i + 1) * itemSize));
      const results = await Promise.all(model.batcher.submit(items));
      const names = request.outputs ?? model.outputNames;
      return c.json({
        model_name: model.name,
        model_version: String(model.version),
        ...(request.id !== undefined ? { id: request.id } : {}),
        outputs: names.map((name) => {
          const rows = results.map((r) => r.outputs[name]!);
          return { name, datatype: 'FP32', shape: [rows.length, rows[0]!.length], data: rows.flatMap((r) => Array.from(r)) };
        }),
      });
    });
  }
  return app;
}
