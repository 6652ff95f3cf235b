// docs/LAYERS.md must be what scripts/gen-layer-docs.ts generates from the handler table today.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { supportedClasses } from '@onnx-edge/export';
import { LAYERS_DOC, layersMarkdown, REGENERATE } from './gen-layer-docs.ts';

test('docs/LAYERS.md is up to date with the exporter handler table', async () => {
  const expected = await layersMarkdown();
  const current = existsSync(LAYERS_DOC) ? readFileSync(LAYERS_DOC, 'utf8') : '(missing)';
  assert.ok(current === expected, `docs/LAYERS.md is stale (the handler table changed): run ${REGENERATE} and commit the result`);
});

test('the generated table lists every supported class, and only those', async () => {
  const text = await layersMarkdown();
  const listed = [...text.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(listed, supportedClasses());
  assert.doesNotMatch(text, /\| \? \|/, 'every handler is found in a handler module');
});
