// Training progress as events (for programmatic callers) and a printer for them: a Keras-like bar redrawn in
// place on a terminal, plain log lines (about every 10% of an epoch) when the output is a file or a pipe.
export type ProgressEvent =
  | { type: 'batch'; epoch: number; epochs: number; batch: number; batches: number; loss: number; accuracy: number; imagesPerSecond: number; etaSeconds: number }
  | { type: 'precise-bn'; epoch: number; epochs: number; images: number }
  | { type: 'validation'; epoch: number; epochs: number }
  | { type: 'epoch'; epoch: number; epochs: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number; imagesPerSecond: number; seconds: number; improved: boolean };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const BAR_WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = Math.round((done / total) * BAR_WIDTH);
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === total ? '=' : '>') : ''}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

function batchLine(e: Extract<ProgressEvent, { type: 'batch' }>): string {
  const width = String(e.batches).length;
  return `${String(e.batch).padStart(width)}/${e.batches} ${bar(e.batch, e.batches)} loss ${e.loss.toFixed(4)}  acc ${e.accuracy.toFixed(4)}  ${e.imagesPerSecond.toFixed(1)} img/s  ETA ${formatDuration(e.etaSeconds)}`;
}

function epochLine(e: Extract<ProgressEvent, { type: 'epoch' }>): string {
  return (
    `epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}  acc ${e.accuracy.toFixed(4)}  val_loss ${e.valLoss.toFixed(4)}  val_acc ${e.valAccuracy.toFixed(4)}` +
    `  ${e.imagesPerSecond.toFixed(1)} img/s  ${formatDuration(e.seconds)}${e.improved ? '  (best val_loss: checkpoint saved)' : ''}`
  );
}

/** Returns an onProgress handler that writes to `stream` (a bar when it is a TTY, plain lines otherwise). */
export function createProgressPrinter(stream: NodeJS.WriteStream = process.stdout): (event: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  let lastPlainTenth = -1;
  let barEpoch = -1;
  return (event) => {
    if (event.type === 'batch') {
      if (event.batch === 1) lastPlainTenth = -1;
      if (tty) {
        // As Keras does: an 'Epoch e/E' line, then the bar redrawn in place below it.
        if (event.epoch !== barEpoch) stream.write(`Epoch ${event.epoch}/${event.epochs}\n`);
        barEpoch = event.epoch;
        stream.write(`\r\x1b[2K${batchLine(event)}`);
        return;
      }
      const tenth = Math.floor((event.batch * 10) / event.batches);
      if (tenth !== lastPlainTenth || event.batch === event.batches) {
        lastPlainTenth = tenth;
        stream.write(`epoch ${event.epoch}/${event.epochs} ${batchLine(event)}\n`);
      }
      return;
    }
    if (event.type === 'precise-bn') {
      if (tty) stream.write(`\r\x1b[2Kepoch ${event.epoch}/${event.epochs}: re-estimating BatchNorm statistics on ${event.images} training images…`);
      return;
    }
    if (event.type === 'validation') {
      if (tty) stream.write(`\r\x1b[2Kepoch ${event.epoch}/${event.epochs}: validating…`);
      return;
    }
    stream.write(`${tty ? '\r\x1b[2K' : ''}${epochLine(event)}\n`);
  };
}
