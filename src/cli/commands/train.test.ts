// `onnx-edge train` as a user runs it, in a child process on real CIFAR-10: killed after an epoch it resumes
// from the checkpoint; Ctrl-C (SIGINT) mid-epoch leaves a resumable checkpoint and exits 130; the next run
// finishes the interrupted epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireSharedData } from '@onnx-edge/core/testing';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor: (pattern: RegExp) => Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startTrain(args: string[]): Run {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/onnx-edge.js'), 'train', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const line = text.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => text,
    exit,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return resolve(line);
        waiters.push({ pattern, resolve });
        void exit.then(({ code }) => reject(new Error(`train exited (${code}) before printing ${pattern}:\n${text}`)));
      }),
  };
}

function checkpointState(out: string): { epochsCompleted: number; batchesIntoEpoch: number; reason: string } {
  return JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'));
}

test('train: killed after an epoch it resumes; Ctrl-C saves a resumable checkpoint and exits 130', async (t) => {
  const data = requireSharedData(t, 'cifar10-sample');
  if (!data) return;
  const out = mkdtempSync(join(tmpdir(), 'onnx-edge-train-cli-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  // 10 batches per epoch, so plain (non-TTY) progress prints a line after each batch; two gradient threads,
  // so the interrupted and resumed runs include the worker replicas.
  const args = ['--model', 'inception10', '--data', data, '--limit', '320', '--val-data', data, '--val-limit', '32', '--batch-size', '32', '--epochs', '2', '--seed', '9', '--backend', 'wasm', '--workers', '2', '--out', out];

  const first = startTrain(args);
  await first.waitFor(/^epoch 1\/2: loss/);
  first.child.kill('SIGKILL');
  await first.exit;
  assert.equal(checkpointState(out).epochsCompleted, 1);

  const second = startTrain(args);
  await second.waitFor(/^resume: .* holds 1 epoch\(s\); continuing/);
  await second.waitFor(/^epoch 2\/2 +2\/10 /);
  second.child.kill('SIGINT');
  const interrupted = await second.exit;
  assert.equal(interrupted.code, 130, second.output());
  assert.match(second.output(), /resumable checkpoint saved/);
  const state = checkpointState(out);
  assert.equal(state.reason, 'interrupted');
  assert.equal(state.epochsCompleted, 1);
  assert.ok(state.batchesIntoEpoch >= 2 && state.batchesIntoEpoch < 10, `interrupted at batch ${state.batchesIntoEpoch}`);

  const third = startTrain(args);
  const finished = await third.exit;
  assert.equal(finished.code, 0, third.output());
  assert.match(third.output(), new RegExp(`holds 1 epoch\\(s\\) and ${state.batchesIntoEpoch} batch\\(es\\) of epoch 2`));
  assert.doesNotMatch(third.output(), new RegExp(`epoch 2/2 +${state.batchesIntoEpoch}/10 `), 'the batches done before Ctrl-C were trained again');
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
  assert.deepEqual(history.epochs.map((e: { epoch: number }) => e.epoch), [1, 2]);
  assert.equal(checkpointState(out).reason, 'best-epoch');
});
