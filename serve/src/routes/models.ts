// Model files for the browser demo: the list of served models, each model's ONNX bytes and labels.
// Same-origin resources under COEP: marked Cross-Origin-Resource-Policy: same-origin.
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';

export function modelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/models', function listModels(c) {
    return c.json(deps.models.map((m) => ({
      name: m.name,
      version: m.version,
      labels: m.labels,
      inputLayout: m.inputLayout,
      inputName: m.inputName,
      outputNames: m.outputNames,
      executionProvider: m.executionProvider,
      onnx: `/models/${m.name}/model.onnx`,
    })));
  });
  app.get('/models/:model/model.onnx', async function modelBytes(c) {
    const model = findModel(deps, c.req.param('model'));
    const bytes = await readFile(model.modelPath);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Disposition', `attachment; filename="${model.name}.onnx"`);
    return c.body(new Uint8Array(bytes));
  });
  app.get('/models/:model/labels.json', function labels(c) {
    const model = findModel(deps, c.req.param('model'));
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    return c.json(model.labels);
  });
  return app;
}
