// Open Inference Protocol (KServe v2) REST: health, server and model metadata, readiness, JSON inference.
// Errors on these routes use the protocol's own body, {"error": "..."} (see errors.ts and app.ts).
import { Hono, type Context } from 'hono';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';
import { readBody } from '../body.ts';
import { badRequest, notFound, unprocessable } from '../errors.ts';
import type { ServedModel } from '../inference/served-model.ts';
import { SERVER_NAME, SERVER_VERSION } from '../version.ts';

interface InferInput {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
}

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

/** Deeper nesting than any tensor layout needs; a hostile body could otherwise nest past the stack. */
const MAX_DATA_NESTING = 32;

/** Flattens nested JSON arrays of finite numbers (the protocol allows both flat and nested data). */
function flatten(data: unknown, out: number[] = [], depth = 0): number[] {
  if (Array.isArray(data)) {
    if (depth >= MAX_DATA_NESTING) throw badRequest(`tensor data nests arrays more than ${MAX_DATA_NESTING} deep; send it flat or nested by the shape`);
    for (const d of data) flatten(d, out, depth + 1);
  } else if (typeof data === 'number' && Number.isFinite(data)) {
    out.push(data);
  } else if (typeof data === 'number') {
    throw badRequest('tensor data must be finite numbers; it holds an infinite value (e.g. 1e999)');
  } else {
    throw badRequest('tensor data must hold numbers (flat or nested arrays)');
  }
  return out;
}

function parseInferRequest(body: unknown, model: ServedModel): { id?: string; input: InferInput; outputs?: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  const { id, inputs, outputs } = body as Record<string, unknown>;
  if (!Array.isArray(inputs) || inputs.length !== 1) throw badRequest(`"inputs" must be an array with one tensor named '${model.inputName}'`);
  const input = inputs[0] as Partial<InferInput> | null;
  if (typeof input !== 'object' || input === null) throw badRequest('each input must be an object {name, shape, datatype, data}');
  if (input.name !== model.inputName) throw badRequest(`unknown input '${String(input.name)}'; model '${model.name}' takes '${model.inputName}'`);
  if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isInteger(d) && d >= 0)) throw badRequest('"shape" must be an array of non-negative integers');
  if (typeof input.datatype !== 'string') throw badRequest('"datatype" must be a string such as "FP32"');
  if (input.data === undefined) throw badRequest('"data" is missing');
  let wanted: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs) || !outputs.every((o) => typeof o?.name === 'string')) throw badRequest('"outputs" must be an array of {name}');
    wanted = outputs.map((o: { name: string }) => o.name);
    const unknown = wanted.find((n) => !model.outputNames.includes(n));
    if (unknown !== undefined) throw badRequest(`unknown output '${unknown}'; model '${model.name}' has ${model.outputNames.join(', ')}`);
  }
  return { ...(typeof id === 'string' ? { id } : {}), input: input as InferInput, ...(wanted ? { outputs: wanted } : {}) };
}

function toItems(input: InferInput, model: ServedModel): Float32Array[] {
  const expected = `[N,${model.inputDims.join(',')}]`;
  if (input.datatype !== 'FP32') throw unprocessable(`datatype ${input.datatype} is not accepted; send FP32 with shape ${expected}`);
  const [batch, ...dims] = input.shape;
  if (batch === undefined || batch < 1 || dims.length !== model.inputDims.length || dims.some((d, i) => d !== model.inputDims[i])) {
    throw unprocessable(`shape [${input.shape.join(',')}] does not match the model's input ${expected} with N >= 1`);
  }
  const values = flatten(input.data);
  const itemSize = model.batcher.options.itemSize;
  if (values.length !== batch * itemSize) throw unprocessable(`data has ${values.length} values; shape [${input.shape.join(',')}] needs ${batch * itemSize}`);
  return Array.from({ length: batch }, (_, i) => Float32Array.from(values.slice(i * itemSize, (i + 1) * itemSize)));
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
      const bytes = await readBody(c, deps.limits.maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw badRequest('the request body is not valid JSON');
      }
      const request = parseInferRequest(body, model);
      const items = toItems(request.input, model);
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
