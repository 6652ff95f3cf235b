// Graph models at the command line: a corpus model exported, verified and re-verified through bin/onnx-edge.js;
// and bad ones — an unknown op, a dangling input reference, a cycle outside a loop frame, a weight missing
// from the manifest — each one line on stderr, exit 1, and no output file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { GraphBuilder, graphCorpusMissing, graphCorpusPath } from '@onnx-edge/export/testing';

const BIN = fileURLToPath(new URL('../../bin/onnx-edge.js', import.meta.url));
let dir: string;

before(async () => { dir = await mkdtemp(join(tmpdir(), 'onnx-edge-bad-graph-')); });
after(() => rm(dir, { recursive: true, force: true }));

/** Writes the graph as model.json + weights.bin in its own folder, after `edit` changed the JSON. */
async function saveGraph(name: string, g: GraphBuilder, edit: (json: Record<string, unknown>) => void = () => {}): Promise<string> {
  const { json, weightData } = g.artifacts();
  edit(json);
  const folder = join(dir, name);
  await mkdir(folder);
  await writeFile(join(folder, 'model.json'), JSON.stringify(json));
  await writeFile(join(folder, 'weights.bin'), weightData);
  return join(folder, 'model.json');
}

function exportFails(modelJson: string, message: RegExp): void {
  const output = join(dir, `${modelJson.split('/').at(-2)}.onnx`);
  const run = spawnSync(process.execPath, [BIN, 'export', modelJson, '-o', output, '--verify'], { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${run.stderr}`);
  assert.match(lines[0]!, message);
  assert.equal(existsSync(output), false, 'no output file');
}

test('export --verify of a corpus graph model prints its report, writes the ONNX file and parity.json; verify re-checks the file', { skip: process.env.CI === 'true' ? false : graphCorpusMissing() ?? false }, () => {
  const output = join(dir, 'liveness.onnx');
  const run = spawnSync(process.execPath, [BIN, 'export', graphCorpusPath('liveness'), '-o', output, '--verify', '--verify-count', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim());
  assert.deepEqual(report.inputShapes, [[[1, 32, 32, 3]], [[2, 32, 32, 3]]], 'the unknown batch is verified at two sizes');
  assert.ok(report.maxAbsDiff <= 1e-4);
  assert.match(run.stderr, /^wrote .*liveness\.onnx \([\d.]+ MB, \d+ nodes of which 0 Transposes, 148,242 parameters, opset 17, exported in \d+ ms\)$/m);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')), report);
  const again = spawnSync(process.execPath, [BIN, 'verify', output, '--against', graphCorpusPath('liveness'), '--count', '1'], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.ok(JSON.parse(again.stdout.trim()).maxAbsDiff <= 1e-4);
});

test('an unknown op: one line listing it with its count', async () => {
  const g = new GraphBuilder();
  g.op('Mish', [g.op('Mish', [g.input([-1, 4])])]);
  exportFails(await saveGraph('unknown-op', g), /^onnx-edge export: UnsupportedOpsError: model\.json uses 1 TF op the exporter does not translate: Mish ×2 — /);
});

test('a dangling input reference: one line naming the node and the missing input', async () => {
  const g = new GraphBuilder();
  g.op('Add', [g.input([-1, 4]), 'missing_node:0'], {}, 'adder');
  exportFails(await saveGraph('dangling', g), /^onnx-edge export: ModelFileError: .*model\.json: node 'adder' \(Add\) takes input 'missing_node', which is not a node of the graph$/);
});

test('a cycle outside a loop frame: one line naming the nodes on it', async () => {
  const g = new GraphBuilder();
  const x = g.input([-1, 4]);
  g.op('Add', [x, 'second'], {}, 'first');
  g.op('Relu', ['first'], {}, 'second');
  g.outputs.push(g.op('Neg', ['second'], {}, 'out'));
  exportFails(await saveGraph('cycle', g), /^onnx-edge export: GraphStructureError: .*the graph has a cycle outside a loop frame: 'second' → 'first' → 'second'$/);
});

test('a weight missing from the manifest: one line naming the constant', async () => {
  const g = new GraphBuilder();
  g.op('Add', [g.input([-1, 4]), g.floats([4])]);
  const path = await saveGraph('missing-weight', g, (json) => {
    const groups = json['weightsManifest'] as { weights: unknown[] }[];
    groups[0]!.weights = [];
  });
  await writeFile(join(path, '..', 'weights.bin'), new Uint8Array(0));
  exportFails(path, /^onnx-edge export: ModelFileError: constant node 'const_\d+' has no entry in the weightsManifest: /);
});
