// docs/OPS.md must be what scripts/gen-ops-docs.ts generates from the graph front end's op table today.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { supportedOps } from '@onnx-edge/export';
import { OPS_DOC, opsMarkdown, REGENERATE_OPS } from './gen-ops-docs.ts';

test('docs/OPS.md is up to date with the graph front end op table', async () => {
  const expected = await opsMarkdown();
  const current = existsSync(OPS_DOC) ? readFileSync(OPS_DOC, 'utf8') : '(missing)';
  assert.ok(current === expected, `docs/OPS.md is stale (the op table changed): run ${REGENERATE_OPS} and commit the result`);
});

test('the generated table lists every supported op, each with its module and a parity test', async () => {
  const text = await opsMarkdown();
  const rows = [...text.matchAll(/^\| `(\w+)` \| `\w+` \| (.*?) \| (.*?) \|$/gm)];
  assert.deepEqual(rows.map((m) => m[1]), supportedOps());
  for (const [, op, module, tests] of rows) {
    assert.notEqual(module, '?', `${op}: its handler is in no op module`);
    assert.notEqual(tests, 'none', `${op} has no parity test`);
  }
});
