// The progress printer: a bar redrawn in place under an 'Epoch e/E' line on a terminal; about ten plain lines
// per epoch otherwise; one summary line per epoch either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressPrinter, formatDuration, type ProgressEvent } from './progress.ts';

function capture(isTTY: boolean) {
  let text = '';
  const stream = { isTTY, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { print: createProgressPrinter(stream), text: () => text };
}

function epoch(print: (e: ProgressEvent) => void, number: number, batches: number): void {
  for (let batch = 1; batch <= batches; batch++) {
    print({ type: 'batch', epoch: number, epochs: 2, batch, batches, loss: 2 / batch, accuracy: batch / batches / 2, imagesPerSecond: 64, etaSeconds: (batches - batch) * 2 });
  }
  print({ type: 'validation', epoch: number, epochs: 2 });
  print({ type: 'epoch', epoch: number, epochs: 2, loss: 1.5, accuracy: 0.4, valLoss: 1.7, valAccuracy: 0.35, imagesPerSecond: 64, seconds: 125, improved: number === 1 });
}

test('plain output: about ten progress lines per epoch and a summary line', () => {
  const out = capture(false);
  epoch(out.print, 1, 95);
  const lines = out.text().trimEnd().split('\n');
  assert.ok(!out.text().includes('\r'), 'no carriage returns in a log file');
  assert.ok(lines.length >= 10 && lines.length <= 13, `${lines.length} lines`);
  assert.match(lines[0]!, /^epoch 1\/2\s+1\/95 \[/);
  assert.match(lines.at(-2)!, /^epoch 1\/2 95\/95 \[=+\] loss 0\.0211 {2}acc 0\.5000 {2}64\.0 img\/s {2}ETA 0:00$/);
  assert.equal(lines.at(-1), 'epoch 1/2: loss 1.5000  acc 0.4000  val_loss 1.7000  val_acc 0.3500  64.0 img/s  2:05  (best val_loss: checkpoint saved)');
});

test('terminal output: an Epoch line per epoch, then the bar redrawn in place', () => {
  const out = capture(true);
  epoch(out.print, 1, 3);
  epoch(out.print, 2, 3);
  const text = out.text();
  assert.equal(text.match(/Epoch \d\/2\n/g)?.length, 2);
  assert.equal(text.match(/\r\x1b\[2K\d\/3 \[/g)?.length, 6);
  assert.match(text, /\r\x1b\[2Kepoch 2\/2: loss 1\.5000/);
});

test('durations read as m:ss or h:mm:ss', () => {
  assert.equal(formatDuration(5), '0:05');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '?');
});
