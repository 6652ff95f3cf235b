import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, type BatchRunner } from './batcher.ts';
import { HttpError } from '../errors.ts';

/** Items are numbers; each is answered with [itself, the size of its batch]. */
type Runner = BatchRunner<number, [number, number]>;

// A runner that records batch sizes.
function recordingRunner(sizes: number[], delayMs = 0): Runner {
  return async (items) => {
    sizes.push(items.length);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return { outputs: items.map((v) => [v, items.length]), seconds: delayMs / 1000 };
  };
}

const item = (v: number) => v;

test('concurrent inputs are gathered into batches of at most maxBatch; each gets its own row', async () => {
  const sizes: number[] = [];
  const batcher = new Batcher([recordingRunner(sizes, 5)], { maxBatch: 8, maxDelayMs: 50, maxQueue: 100 });
  const release = batcher.announce(20); // as 20 requests being decoded would
  const pending = Array.from({ length: 20 }, (_, i) => batcher.submit([item(i)])[0]!);
  release();
  const results = await Promise.all(pending);
  results.forEach((r, i) => assert.equal(r.output[0], i));
  assert.deepEqual(sizes, [8, 8, 4], 'two full batches at once, the rest after the delay');
  assert.equal(results[0]!.batchSize, 8);
});

test('an input waits at most maxDelayMs for announced inputs, and not at all when none are coming', async () => {
  const sizes: number[] = [];
  const batcher = new Batcher([recordingRunner(sizes)], { maxBatch: 64, maxDelayMs: 40, maxQueue: 100 });
  const alone = performance.now();
  const [first] = await Promise.all(batcher.submit([item(1)]));
  assert.ok(performance.now() - alone < 30, 'nothing announced: no waiting');
  assert.ok(first!.queueSeconds < 0.03);

  const release = batcher.announce(1); // a request still decoding that never arrives in time
  const started = performance.now();
  const [second] = await Promise.all(batcher.submit([item(2)]));
  const waited = performance.now() - started;
  assert.ok(waited >= 38 && waited < 1000, `waited ${waited} ms`);
  assert.ok(second!.queueSeconds >= 0.038);
  release();

  const releaseTwo = batcher.announce(2);
  const a = batcher.submit([item(3)])[0]!;
  const b = batcher.submit([item(4)])[0]!;
  releaseTwo();
  assert.deepEqual((await Promise.all([a, b])).map((r) => r.batchSize), [2, 2], 'announced inputs join one batch');
  assert.deepEqual(sizes, [1, 1, 2]);
});

test('with nothing announced, inputs submitted in one event-loop turn leave together, at the end of it', async () => {
  const sizes: number[] = [];
  const batcher = new Batcher([recordingRunner(sizes)], { maxBatch: 64, maxDelayMs: 1000, maxQueue: 100 });
  const started = performance.now();
  const burst = Array.from({ length: 5 }, (_, i) => batcher.submit([item(i)])[0]!); // as five requests read in one turn
  const results = await Promise.all(burst);
  assert.deepEqual(sizes, [5]);
  assert.ok(performance.now() - started < 500, 'not held for the 1 s max delay');
  results.forEach((r, i) => assert.equal(r.output[0], i));
});

test('an arriving request (body not read yet) is waited for, but never refused on arrival', async () => {
  const sizes: number[] = [];
  const batcher = new Batcher([recordingRunner(sizes)], { maxBatch: 64, maxDelayMs: 1000, maxQueue: 1 });
  const releaseArriving = batcher.arriving();
  const first = batcher.submit([item(1)])[0]!;
  const alsoArriving = batcher.arriving(); // the queue is full, and still no 429 before the body is in
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(sizes, [], 'held while requests are arriving');
  alsoArriving();
  releaseArriving();
  await first;
  assert.deepEqual(sizes, [1]);
});

test('two runners take batches in parallel', async () => {
  const sizes: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const runner: Runner = async (items) => {
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    return recordingRunner(sizes)(items);
  };
  const batcher = new Batcher([runner, runner], { maxBatch: 4, maxDelayMs: 0, maxQueue: 100 });
  await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit([item(i)])[0]!));
  assert.equal(maxRunning, 2);
});

test('admission is all-or-nothing: a full queue refuses with 429, an impossible request with 413', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sizes: number[] = [];
  const blocked: Runner = async (items) => {
    await gate;
    return recordingRunner(sizes)(items);
  };
  const batcher = new Batcher([blocked], { maxBatch: 2, maxDelayMs: 0, maxQueue: 3 });
  const running = batcher.submit([item(0), item(1)]); // dispatched at once, the runner holds them
  const queued = batcher.submit([item(2), item(3)]);
  assert.equal(batcher.depth, 2);
  assert.throws(() => batcher.submit([item(4), item(5)]), (e: unknown) => e instanceof HttpError && e.status === 429 && e.retryAfterSeconds === 1);
  assert.equal(batcher.depth, 2, 'nothing of the refused request was queued');
  assert.throws(() => batcher.submit([item(1), item(2), item(3), item(4)]), (e: unknown) => e instanceof HttpError && e.status === 413);
  const stopping = batcher.stop();
  assert.throws(() => batcher.submit([item(9)]), (e: unknown) => e instanceof HttpError && e.status === 503);
  release();
  const answers = await Promise.all([...running, ...queued]);
  assert.deepEqual(answers.map((a) => a.output[0]), [0, 1, 2, 3]);
  await stopping;
});

test('a failing run rejects every input of that batch and the batcher carries on', async () => {
  let calls = 0;
  const runner: Runner = async (items) => {
    if (calls++ === 0) throw new Error('boom');
    return recordingRunner([])(items);
  };
  const batcher = new Batcher([runner], { maxBatch: 2, maxDelayMs: 0, maxQueue: 10 });
  const first = batcher.submit([item(1), item(2)]);
  await Promise.all(first.map((p) => assert.rejects(p, /boom/)));
  const [ok] = await Promise.all(batcher.submit([item(3)]));
  assert.equal(ok!.output[0], 3);
});

test('with a key, a batch takes only items that share the oldest one\'s key; the others keep their order', async () => {
  const batches: number[][] = [];
  const runner: Runner = async (items) => {
    batches.push(items);
    return { outputs: items.map((v) => [v, items.length]), seconds: 0 };
  };
  // Items 0-9: even ones are 32×32 images, odd ones 64×64, for a model that takes any size.
  const batcher = new Batcher([runner], { maxBatch: 3, maxDelayMs: 0, maxQueue: 100, keyOf: (v: number) => (v % 2 ? '64x64' : '32x32') });
  const answers = await Promise.all(batcher.submit(Array.from({ length: 10 }, (_, i) => i)));
  assert.deepEqual(batches, [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]);
  assert.deepEqual(answers.map((a) => a.output), [[0, 3], [1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 2], [7, 2], [8, 2], [9, 2]]);
});
