import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from './errors.ts';
import { PixelGate } from './pixel-gate.ts';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

test('what fits starts at once; the rest waits until pixels are released, a smaller one passing a larger one', async () => {
  const gate = new PixelGate(100);
  const a = await gate.acquire(60);
  const b = await gate.acquire(30);
  const c = gate.acquire(50);
  const d = gate.acquire(10);
  assert.equal(await settled(c), false, 'c waits: 90 in use');
  const releaseD = await d; // fits beside a and b although c came first
  b();
  assert.equal(await settled(c), false, 'c still waits: 70 in use');
  a();
  const releaseC = await c;
  releaseC();
  releaseD();
  const all = await gate.acquire(100);
  all();
});

test('an image larger than the gate waits for it to be empty, then runs alone', async () => {
  const gate = new PixelGate(100);
  const small = await gate.acquire(1);
  const huge = gate.acquire(500);
  assert.equal(await settled(huge), false);
  small();
  const release = await huge;
  assert.equal(await settled(gate.acquire(1)), false, 'nothing else while it runs');
  release();
});

test('a waiter whose client leaves is dropped with a 499 and lets the next one in', async () => {
  const gate = new PixelGate(100);
  const first = await gate.acquire(100);
  const controller = new AbortController();
  const gone = gate.acquire(100, controller.signal);
  const next = gate.acquire(100);
  controller.abort();
  await assert.rejects(gone, (err: unknown) => err instanceof HttpError && err.status === 499);
  first();
  (await next)();
  await assert.rejects(gate.acquire(1, AbortSignal.abort()), (err: unknown) => err instanceof HttpError && err.status === 499);
});
