// docs/CONTRACT.md must be what scripts/gen-contract-docs.ts generates from the contract's metadata keys today.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { METADATA_KEYS } from '@onnx-edge/core';
import { exportCommand } from '../src/cli/commands/export.ts';
import { CONTRACT_DOC, contractMarkdown, DECLARED_BY, REGENERATE } from './gen-contract-docs.ts';

test('docs/CONTRACT.md is up to date with the metadata keys', () => {
  const current = existsSync(CONTRACT_DOC) ? readFileSync(CONTRACT_DOC, 'utf8') : '(missing)';
  assert.ok(current === contractMarkdown(), `docs/CONTRACT.md is stale (the contract's keys changed): run ${REGENERATE} and commit the result`);
});

test('every key has a row, and every flag it names is one of onnx-edge export', () => {
  const listed = [...contractMarkdown().matchAll(/^\| `(onnx_edge\.\w+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(listed, Object.values(METADATA_KEYS));
  const flags = Object.values(exportCommand.options ?? {}).map((option) => option.flag);
  for (const declared of Object.values(DECLARED_BY)) assert.ok(flags.includes(declared.flag), `--${declared.flag} is not a flag of onnx-edge export`);
});
