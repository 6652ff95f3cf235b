// docs/REAL-MODELS.md must list every corpus model, in order, with the parameters and nodes its export has
// today, and measured columns that say it verified (|Δ| within the tolerance the page states).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { corpusModels } from '@onnx-edge/bench/real-models';
import { useVerificationBackend } from '@onnx-edge/export';
import { parseRealModelsDoc, REAL_MODELS_DOC, REGENERATE, withExport } from './gen-real-models-doc.ts';

test('docs/REAL-MODELS.md lists the corpus with the parameters and nodes of today\'s exports', async () => {
  const text = existsSync(REAL_MODELS_DOC) ? readFileSync(REAL_MODELS_DOC, 'utf8') : '';
  const rows = parseRealModelsDoc(text);
  const corpus = corpusModels();
  const stale = `docs/REAL-MODELS.md is stale: run ${REGENERATE} and commit the result`;
  assert.deepEqual(rows.map((r) => r.model), corpus.map((m) => m.name), stale);
  const atol = Number(/here atol ([\d.e-]+)/.exec(text)?.[1]);
  assert.ok(atol > 0, 'the page states the tolerance it verified with');
  await useVerificationBackend();
  for (const [i, model] of corpus.entries()) {
    const row = rows[i]!;
    const facts = await withExport(model, async (_model, _exported, f) => f);
    assert.deepEqual({ parameters: row.parameters, nodes: row.nodes }, { parameters: facts.parameters, nodes: facts.nodes }, `${model.name}: ${stale}`);
    assert.ok(row.maxAbsDiff <= atol, `${model.name}: max |Δ| ${row.maxAbsDiff} is within atol ${atol}`);
    assert.ok(row.exportMs >= 0 && row.verifySeconds > 0, `${model.name}: measured columns`);
  }
});
