import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { corpusModels } from '../../testing/model-corpus.ts';
import { ModelFileError } from './model-file-error.ts';
import { openRegularFile } from './model-files.ts';
import { decodeGroup, nonFiniteWeights, parseWeightsManifest, readWeights, type NamedWeight } from './weights.ts';

/** The bits of decoded values, so that NaN payloads and -0 compare exactly. */
function bits(values: ArrayBufferView): number[] {
  return [...new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength))];
}

/** What tfjs' own decoder makes of the same bytes and specs. */
function tfjsDecode(bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[]): Map<string, { dtype: string; shape: number[]; values: ArrayBufferView }> {
  const decoded = tf.io.decodeWeights(bytes.slice().buffer, specs);
  const out = new Map<string, { dtype: string; shape: number[]; values: ArrayBufferView }>();
  for (const [name, tensor] of Object.entries(decoded)) {
    out.set(name, { dtype: tensor.dtype, shape: tensor.shape, values: tensor.dataSync() as ArrayBufferView });
    tensor.dispose();
  }
  return out;
}

function assertSameAsTfjs(ours: NamedWeight[], theirs: ReturnType<typeof tfjsDecode>, where: string): void {
  assert.equal(ours.length, theirs.size, where);
  for (const w of ours) {
    const t = theirs.get(w.name)!;
    assert.ok(t, `${where}: tfjs decoded ${w.name}`);
    assert.equal(w.dtype, t.dtype, `${where} ${w.name} dtype`);
    assert.deepEqual(w.shape, t.shape, `${where} ${w.name} shape`);
    if (w.dtype === 'bool') assert.deepEqual([...w.values], [...(t.values as Uint8Array)], `${where} ${w.name}`);
    else assert.deepEqual(bits(w.values), bits(t.values), `${where} ${w.name}: bit-identical to tf.io.decodeWeights`);
  }
}

test('every quantized model of the corpus decodes bit-identically to tf.io.decodeWeights', async () => {
  const quantized = corpusModels().filter((m) => m.quantized);
  // The corpus holds uint8 (RDN, GANs, handtrack) and float16 (centernet, facemesh, movenet, …) models.
  assert.ok(quantized.length >= 10, `the corpus has its quantized models: ${quantized.map((m) => m.id).join(', ')}`);
  const seen = new Set<string>();
  for (const model of quantized) {
    const json = JSON.parse(await readFile(model.path, 'utf8'));
    const manifest = parseWeightsManifest(json.weightsManifest, model.path);
    const { weights } = await readWeights(manifest, dirname(model.path), model.path);
    let offset = 0;
    for (const [g, group] of json.weightsManifest.entries()) {
      const bytes = Buffer.concat(await Promise.all(group.paths.map((p: string) => readFile(join(dirname(model.path), p)))));
      const ours = weights.slice(offset, offset + group.weights.length);
      offset += group.weights.length;
      assertSameAsTfjs(ours, tfjsDecode(bytes, group.weights), `${model.id} group ${g + 1}`);
      for (const w of group.weights) if (w.quantization) seen.add(`${w.dtype}/${w.quantization.dtype}`);
    }
  }
  assert.ok(seen.has('float32/uint8') && seen.has('float32/float16'), `uint8 and float16 both covered: ${[...seen]}`);
});

test('every uint8, uint16 and float16 code decodes as tfjs decodes it, for float32 and int32 weights', () => {
  const u8 = Uint8Array.from({ length: 256 }, (_, i) => i);
  const u16 = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
  const cases: [string, tf.io.WeightsManifestEntry, Uint8Array][] = [
    // Scales and minimums that are not exact in float32, as tfjs-converter writes them.
    ['uint8 float32', { name: 'a', shape: [16, 16], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.0078431377, min: -1.0000001 } }, u8],
    ['uint16 float32', { name: 'b', shape: [65536], dtype: 'float32', quantization: { dtype: 'uint16', scale: 3.0517578e-5 / 3, min: -0.7 } }, u16],
    ['uint8 int32', { name: 'c', shape: [256], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -63.5 } }, u8],
    ['uint16 int32', { name: 'd', shape: [65536], dtype: 'int32', quantization: { dtype: 'uint16', scale: 1.7, min: -1000.25 } }, u16],
    // Every half: zeros, subnormals, normals, ±Inf and NaNs with their payloads.
    ['float16', { name: 'e', shape: [256, 256], dtype: 'float32', quantization: { dtype: 'float16' } }, u16],
  ];
  for (const [what, spec, bytes] of cases) {
    const [entry] = parseWeightsManifest([{ paths: [], weights: [spec] }], 'test')[0]!.weights;
    assertSameAsTfjs(decodeGroup([entry!], bytes), tfjsDecode(bytes, [spec]), what);
  }
});

/** A model folder holding model.json with `manifest` and the given shard files. */
async function modelFolder(manifest: unknown, shards: Record<string, Uint8Array>): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-weights-'));
  for (const [name, bytes] of Object.entries(shards)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  const path = join(dir, 'model.json');
  await writeFile(path, JSON.stringify({ modelTopology: {}, weightsManifest: manifest }));
  return { dir, path };
}

async function read(dir: string, path: string): Promise<NamedWeight[]> {
  const json = JSON.parse(await readFile(path, 'utf8'));
  return (await readWeights(parseWeightsManifest(json.weightsManifest, path), dir, path)).weights;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const i32 = (...v: number[]) => new Uint8Array(new Int32Array(v).buffer);

test('several groups, shards with any name split anywhere, int32 and bool weights, zero-length shards', async () => {
  const kernel = f32(1.5, -2, 3.25, 4, 5, 6);
  const { dir, path } = await modelFolder([
    // Group 1: a float kernel split mid-value over two shards without an extension, then an int and a bool weight.
    { paths: ['part-a', 'sub/part b.dat'], weights: [
      { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
      { name: 'steps', shape: [2], dtype: 'int32' },
      { name: 'mask', shape: [3], dtype: 'bool' },
    ] },
    // Group 2: a quantized weight in a shard named like a text file.
    { paths: ['./weights.txt'], weights: [{ name: 'dense/bias', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1, original_dtype: 'float32' } }] },
    // Group 3: no weights, one empty shard (a weight-less model is saved like this).
    { paths: ['empty.bin'], weights: [] },
  ], {
    'part-a': kernel.subarray(0, 10),
    'sub/part b.dat': new Uint8Array([...kernel.subarray(10), ...i32(7, -8), 1, 0, 1]),
    'weights.txt': new Uint8Array([0, 2, 255]),
    'empty.bin': new Uint8Array(0),
  });
  try {
    const weights = await read(dir, path);
    assert.deepEqual(weights.map((w) => [w.name, w.dtype, w.shape, [...w.values]]), [
      ['dense/kernel', 'float32', [2, 3], [1.5, -2, 3.25, 4, 5, 6]],
      ['steps', 'int32', [2], [7, -8]],
      ['mask', 'bool', [3], [1, 0, 1]],
      ['dense/bias', 'float32', [3], [-1, 0, 126.5]],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the weight-less model of the corpus (a zero-length shard) reads as no weights', async () => {
  const pixelator = corpusModels().find((m) => m.id.includes('pixelator'));
  assert.ok(pixelator, 'the corpus has the weight-less pixelator');
  assert.deepEqual(await read(dirname(pixelator.path), pixelator.path), []);
});

/** Asserts one ModelFileError line matching `pattern` for `manifest` over `shards` (then `setup` in the folder). */
async function assertRefused(manifest: unknown, shards: Record<string, Uint8Array>, pattern: RegExp, setup?: (dir: string) => Promise<void>): Promise<void> {
  const { dir, path } = await modelFolder(manifest, shards);
  try {
    await setup?.(dir);
    await assert.rejects(read(dir, path), (err: Error) => {
      assert.ok(err instanceof ModelFileError, `a ModelFileError, not ${err.name}: ${err.message}`);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.match(err.message, pattern);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const one = (paths: string[], weight: Record<string, unknown> = { name: 'w', shape: [2], dtype: 'float32' }) => [{ paths, weights: [weight] }];

test('unknown dtypes and quantizations, and inconsistent quantization fields are refused by name', async () => {
  const w = (extra: Record<string, unknown>) => one(['w.bin'], { name: 'layer/w', shape: [2], dtype: 'float32', ...extra });
  const shards = { 'w.bin': f32(1, 2) };
  await assertRefused(w({ dtype: 'string' }), shards, /weight 'layer\/w' in .*model\.json has unknown dtype 'string' — supported: float32, int32, bool/);
  await assertRefused(w({ dtype: 'float64' }), shards, /unknown dtype 'float64'/);
  await assertRefused(w({ quantization: { dtype: 'int4', scale: 1, min: 0 } }), shards, /weight 'layer\/w' .* unknown quantization 'int4' — supported: uint8, uint16, float16/);
  await assertRefused(w({ quantization: { dtype: 'uint8', min: 0 } }), shards, /uint8 quantization without finite numbers 'scale' and 'min'/);
  await assertRefused(w({ dtype: 'int32', quantization: { dtype: 'float16' } }), shards, /float16 quantization on a int32 weight/);
  await assertRefused(w({ dtype: 'bool', quantization: { dtype: 'uint8', scale: 1, min: 0 } }), shards, /bool weight with uint8 quantization/);
  await assertRefused(w({ quantization: { dtype: 'uint8', scale: 1, min: 0, original_dtype: 'int32' } }), shards, /has dtype 'float32' but its quantization says the original dtype was 'int32'/);
  await assertRefused(w({ shape: [2, -1] }), shards, /malformed shape/);
  await assertRefused([...w({}), ...w({})], shards, /weight 'layer\/w' appears twice/);
  await assertRefused({ paths: ['w.bin'] }, shards, /malformed weightsManifest/);
});

test('a shard shorter or longer than its group needs, or missing, is refused naming it before anything is read', async () => {
  await assertRefused(one(['w.bin']), { 'w.bin': f32(1) }, /weights file 'w\.bin' listed in .*model\.json holds 4 bytes but its weightsManifest needs 8: a shard is truncated/);
  await assertRefused(one(['w.bin']), { 'w.bin': f32(1, 2, 3) }, /holds 12 bytes but its weightsManifest needs 8: a shard is too long/);
  await assertRefused(one(['a', 'b']), { a: f32(1), b: f32(2, 3) }, /the 2 weights files of group 1 \('a', 'b'\) listed in .* hold 12 bytes but its weightsManifest needs 8/);
  await assertRefused(one(['w.bin']), {}, /weights file 'w\.bin' listed in .*model\.json is missing/);
  // A weight-less group must have empty shards.
  await assertRefused([{ paths: ['empty.bin'], weights: [] }], { 'empty.bin': f32(1) }, /holds 4 bytes but its weightsManifest needs 0/);
});

test('paths leaving the folder, symbolic links out of it, FIFOs, devices and folders are refused without reading them', async () => {
  await assertRefused(one(['../outside.bin']), {}, /weights file '\.\.\/outside\.bin' listed in .*model\.json leaves the model's folder/);
  await assertRefused(one(['sub/../../outside.bin']), {}, /leaves the model's folder/);
  await assertRefused(one(['/etc/passwd']), {}, /weights file '\/etc\/passwd' .* leaves the model's folder/);
  await assertRefused(one(['file:///etc/passwd']), {}, /leaves the model's folder/);
  await assertRefused(one(['https://example.com/w.bin']), {}, /leaves the model's folder/);
  await assertRefused(one(['']), {}, /is not a usable file name/);
  await assertRefused(one(['link.bin']), {}, /weights file 'link\.bin' .* leads through a symbolic link to '\/etc\/passwd', outside the model's folder/, (dir) => symlink('/etc/passwd', join(dir, 'link.bin')));
  // A linked folder: the path looks inside, the file is /dev/zero.
  await assertRefused(one(['sub/zero']), {}, /weights file 'sub\/zero' .* leads through a symbolic link to '\/dev\/zero'/, (dir) => symlink('/dev', join(dir, 'sub')));
  await assert.rejects(openRegularFile('/dev/zero', "weights file 'zero'"), /weights file 'zero' is a device, not a regular file/);
  await assertRefused(one(['fifo']), {}, /weights file 'fifo' listed in .* is a FIFO, not a regular file/, async (dir) => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
  });
  await assertRefused(one(['sub']), {}, /weights file 'sub' .* is a folder, not a regular file/, (dir) => mkdir(join(dir, 'sub')));
  await assertRefused(one(['.']), {}, /names the model's folder itself/);
});

test('a symbolic link to a shard inside the folder is read', async () => {
  const { dir, path } = await modelFolder(one(['link.bin']), { 'shards/w.bin': f32(1, 2) });
  try {
    await symlink(join(dir, 'shards', 'w.bin'), join(dir, 'link.bin'));
    assert.deepEqual([...(await read(dir, path))[0]!.values], [1, 2]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('NaN and infinite weights are counted per weight', () => {
  const weights: NamedWeight[] = [
    { name: 'ok', shape: [2], dtype: 'float32', values: new Float32Array([1, 2]) },
    { name: 'bad', shape: [4], dtype: 'float32', values: new Float32Array([NaN, Infinity, -Infinity, NaN]) },
    { name: 'ints', shape: [1], dtype: 'int32', values: new Int32Array([0]) },
  ];
  assert.deepEqual(nonFiniteWeights(weights), [{ name: 'bad', nan: 2, posInf: 1, negInf: 1 }]);
});
