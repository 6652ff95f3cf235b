// Open Inference Protocol (KServe v2) REST: health, server and model metadata, readiness, and inference on
// any model — every input and output by name, any datatype the server takes, as JSON or as Triton's binary
// tensor data. Errors on these routes use the protocol's own body, {"error": "..."} (see errors.ts and app.ts).
import { Hono, type Context } from 'hono';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';
import { readBody } from '../body.ts';
import { badRequest, notFound, unsupportedMediaType } from '../errors.ts';
import type { ServedModel } from '../inference/served-model.ts';
import { elementCount } from '../tensors/index.ts';
import { SERVER_NAME, SERVER_VERSION } from '../version.ts';
import { inferTensors } from '../v2/infer.ts';
import { inferAnswer } from '../v2/infer-response.ts';
import type { InferSpec } from '../v2/infer-request.ts';

/** The header that gives the JSON's length when binary tensor data follows it (Triton's extension). */
export const INFERENCE_HEADER = 'Inference-Header-Content-Length';

function modelFor(deps: AppDeps, c: Context<AppEnv>): ServedModel {
  const model = findModel(deps, c.req.param('model'));
  const version = c.req.param('version');
  if (version !== undefined && version !== String(model.version)) {
    throw notFound(`model '${model.name}' has no version '${version}'; version ${model.version} is served`);
  }
  return model;
}

function metadata(model: ServedModel) {
  const describe = ({ name, datatype, shape }: ServedModel['inputs'][number]) => ({ name, datatype, shape });
  return {
    name: model.name,
    versions: [String(model.version)],
    platform: 'onnxruntime_onnx',
    inputs: model.inputs.map(describe),
    outputs: model.outputs.map(describe),
    parameters: {
      execution_provider: model.executionProvider,
      execution_provider_reason: model.executionProviderReason,
      max_batch_size: model.maxBatchSize,
      max_queue_delay_ms: model.batcher.options.maxDelayMs,
      ...(model.contract.input.kind === 'image' ? { input_layout: model.inputLayout } : {}),
      ...(model.labels.length > 0 ? { labels: model.labels } : {}),
    },
  };
}

/** application/json, or a JSON type with a +json suffix. */
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;

/**
 * The JSON's length when the body carries binary tensor data; undefined for a JSON body. Such a request may
 * have any content type (Triton's client sends none): its header is one a cross-origin page cannot send
 * without a CORS preflight. A JSON body must say it is JSON: a text/plain (or untyped) POST is what a
 * cross-origin form or a fetch() without preflight sends, and running inference for such a page is not the
 * server's to do.
 */
function bodyFraming(c: Context<AppEnv>): number | undefined {
  const header = c.req.header(INFERENCE_HEADER);
  if (header !== undefined) {
    if (!/^\d{1,15}$/.test(header.trim())) throw badRequest(`${INFERENCE_HEADER} must be the length in bytes of the JSON that starts the body, got '${header}'`);
    return Number(header.trim());
  }
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_TYPE.test(type)) {
    throw unsupportedMediaType(`content type '${type || '(none)'}' is not accepted: send the inference request as application/json, or binary tensor data with the ${INFERENCE_HEADER} header`);
  }
  return undefined;
}

/**
 * Most numbers a JSON body may hold: what the model's queue can ever take when every input has a fixed size;
 * for inputs of any size, only the body limit bounds them.
 */
function maxJsonValues(model: ServedModel, maxBodyBytes: number): number {
  const batched = model.maxBatchSize > 0;
  const itemShapes = model.inputs.map((input) => (batched ? input.shape.slice(1) : input.shape));
  if (itemShapes.some((shape) => shape.some((d) => d < 0))) return maxBodyBytes;
  const perItem = itemShapes.reduce((sum, shape) => sum + elementCount(shape), 0);
  return perItem * (batched ? model.batcher.options.maxQueue : 1);
}

export function v2Routes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v2', function serverMetadata(c) {
    return c.json({ name: SERVER_NAME, version: SERVER_VERSION, extensions: ['binary_tensor_data'] });
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
      const headerLength = bodyFraming(c);
      const bytes = await readBody(c, deps.limits.maxBodyBytes);
      const spec: InferSpec = {
        modelName: model.name,
        inputs: model.inputs,
        outputNames: model.outputs.map((o) => o.name),
        batched: model.maxBatchSize > 0,
        maxValues: maxJsonValues(model, deps.limits.maxBodyBytes),
        ...(headerLength !== undefined ? { headerLength } : {}),
      };
      const request = await deps.inferParser.parse(bytes, spec);
      const outputs = await inferTensors(model, request.inputs, request.batch);
      const answer = inferAnswer({ modelName: model.name, modelVersion: String(model.version), ...(request.id !== undefined ? { id: request.id } : {}) }, request.outputs, outputs);
      if (answer.binary.length === 0) return c.body(answer.json, 200, { 'Content-Type': 'application/json' });
      const json = Buffer.from(answer.json);
      return c.body(Buffer.concat([json, ...answer.binary]), 200, { 'Content-Type': 'application/octet-stream', [INFERENCE_HEADER]: String(json.length) });
    });
  }
  return app;
}
