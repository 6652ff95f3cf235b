// The graph-model corpus end to end: every model of @vladmandic/human exports, passes the official checker
// and verifies against tfjs executeAsync (two sizes where a dim is unknown) with no Transpose between two
// convolutions, or is refused in one line naming its unsupported ops; the export is deterministic; and
// docs/GRAPH-MODELS.md is what this run measures (export times aside).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { exportGraphModel } from '@onnx-edge/export';
import { graphCorpusMissing, GRAPH_MODELS_DOC } from './corpus.ts';
import { corpusRows, graphModelsMarkdown, REGENERATE_GRAPH_MODELS, withoutTimings, type CorpusRow } from './doc.ts';

// Locally a missing corpus skips these tests with the reason; in CI it fails them.
const missing = graphCorpusMissing();
const skip = process.env.CI === 'true' ? false : missing ?? false;
let rows: CorpusRow[] = [];

before(async () => {
  if (missing && process.env.CI === 'true') throw new Error(missing);
  if (!missing) rows = await corpusRows();
});

test('the ten graph models without control flow export, pass the checker and verify against tfjs; handtrack is refused in one line', { skip }, () => {
  const verified = rows.filter((r) => !('refused' in r));
  assert.equal(verified.length, 10);
  for (const r of verified) {
    if ('refused' in r) continue;
    assert.equal(r.checked, true, `${r.model}: the official checker ran`);
    assert.ok(r.parity.count >= 2, `${r.model}: verified on ${r.parity.count} input sets`);
    const unknownDims = r.inputs.includes('-1');
    assert.equal(r.parity.inputShapes.length, unknownDims ? 2 : 1, `${r.model}: verified on two sizes where a dim is unknown`);
  }
  const refused = rows.filter((r): r is { model: string; refused: string } => 'refused' in r);
  assert.deepEqual(refused.map((r) => r.model), ['handtrack']);
  assert.match(refused[0]!.refused, /^handtrack\.json uses 11 TF ops the exporter does not translate: Enter ×6, .*TensorListStack ×2 — /);
  assert.ok(!refused[0]!.refused.includes('\n'));
});

test('no Transpose lies between two convolutions in any exported model of the corpus', { skip }, () => {
  for (const r of rows) {
    if ('refused' in r) continue;
    assert.deepEqual(r.transposesBetweenConvolutions, [], `${r.model}`);
  }
});

test('exporting the same model twice gives the same bytes', { skip }, () => {
  const facemesh = rows.find((r) => r.model === 'facemesh');
  assert.ok(facemesh && !('refused' in facemesh));
  assert.deepEqual(exportGraphModel(facemesh.source).bytes, facemesh.bytes);
});

test('docs/GRAPH-MODELS.md is what the corpus measures today (export times aside)', { skip }, () => {
  const current = existsSync(GRAPH_MODELS_DOC) ? readFileSync(GRAPH_MODELS_DOC, 'utf8') : '(missing)';
  assert.equal(withoutTimings(current), withoutTimings(graphModelsMarkdown(rows)), `docs/GRAPH-MODELS.md is stale: run ${REGENERATE_GRAPH_MODELS} and commit the result`);
});
