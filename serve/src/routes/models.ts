// Model files for the browser demo: the list of served models (with each model's contract, so a page can show
// what a model takes before downloading it), each model's ONNX bytes and labels.
// Same-origin resources under COEP: marked Cross-Origin-Resource-Policy: same-origin. The model's sha256 is
// its content version (listed, and the ETag), since re-exporting keeps the repository version number.
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
      contract: m.contract,
      inputName: m.inputName,
      outputNames: m.outputNames,
      executionProvider: m.executionProvider,
      sha256: m.sha256,
      onnx: `/models/${m.name}/model.onnx`,
    })));
  });
  app.get('/models/:model/model.onnx', async function modelBytes(c) {
    const model = findModel(deps, c.req.param('model'));
    const etag = `"${model.sha256}"`;
    c.header('ETag', etag);
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    const bytes = await readFile(model.modelPath);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Content-Length', String(bytes.length));
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
