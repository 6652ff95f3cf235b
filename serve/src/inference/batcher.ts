// Dynamic batching. Requests arrive one image at a time; onnxruntime is far more efficient per image on a
// batch, and its run() occupies an inference thread, so inputs wait in a bounded queue until either a full
// batch is there or the oldest has waited `maxDelayMs`, then go to the next idle runner as one batch.
// Waiting only pays when more inputs are on their way: requests announce their images as they arrive, and
// with none announced a partial batch goes at the end of the event-loop turn instead of sitting out the delay.
// A full queue refuses new inputs at once (429) instead of letting latency grow without bound.
import { performance } from 'node:perf_hooks';
import { overloaded, payloadTooLarge, unavailable } from '../errors.ts';

export interface BatchRunResult {
  outputs: Record<string, Float32Array>;
  /** Seconds inside onnxruntime run(). */
  seconds: number;
  /** Seconds the batch waited in the runner for an earlier batch to finish (counted as queue time). */
  waitedSeconds?: number;
}

/** Runs one batch: flat input of `batch` items -> flat outputs. One per inference thread. */
export type BatchRunner = (input: Float32Array, batch: number) => Promise<BatchRunResult>;

export interface BatcherOptions {
  maxBatch: number;
  maxDelayMs: number;
  /** Most inputs waiting at once (not counting the batches being run). */
  maxQueue: number;
  /** Floats per input item (3·32·32). */
  itemSize: number;
}

export interface ItemResult {
  /** This item's slice of every output. */
  outputs: Record<string, Float32Array>;
  queueSeconds: number;
  inferenceSeconds: number;
  batchSize: number;
}

export interface BatchObserver {
  onBatch?(size: number, inferenceSeconds: number): void;
  onQueueDepth?(depth: number): void;
  onQueueWait?(seconds: number): void;
  onRejected?(reason: 'queue_full' | 'stopping'): void;
}

interface Pending {
  input: Float32Array;
  enqueuedAt: number;
  resolve: (result: ItemResult) => void;
  reject: (err: Error) => void;
}

export class Batcher {
  private readonly queue: Pending[] = [];
  private readonly idle: BatchRunner[];
  private timer: NodeJS.Timeout | undefined;
  private endOfTurn: NodeJS.Immediate | undefined;
  private running = 0;
  /** Inputs of requests being read or decoded, which will be submitted soon. */
  private announced = 0;
  private stopping = false;
  private drained: (() => void) | undefined;

  constructor(runners: BatchRunner[], readonly options: BatcherOptions, private readonly observer: BatchObserver = {}) {
    if (runners.length === 0) throw new Error('a batcher needs at least one runner');
    this.idle = [...runners];
  }

  get depth(): number {
    return this.queue.length;
  }

  /**
   * Says that `count` inputs are being prepared; call the returned function once they are submitted or failed.
   * A queue already full refuses the request here (429), before its images are decoded: an overloaded server
   * spends nothing on work it would turn away. (Inputs still being decoded are checked again on submit.)
   */
  announce(count: number): () => void {
    this.refuseUnlessRoom(count, this.queue.length);
    return this.expect(count);
  }

  /**
   * Says that a request has arrived whose inputs are not known yet (its body is still being read): the
   * batcher waits for it like for announced inputs, but nothing is refused before its body is in.
   */
  arriving(): () => void {
    return this.expect(1);
  }

  private expect(count: number): () => void {
    this.announced += count;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.announced -= count;
      this.schedule();
    };
  }

  private refuseUnlessRoom(count: number, waiting: number): void {
    if (this.stopping) {
      this.observer.onRejected?.('stopping');
      throw unavailable('the server is shutting down; retry against another instance', 5);
    }
    if (count > this.options.maxQueue) {
      throw payloadTooLarge(`${count} inputs in one request exceed the queue capacity of ${this.options.maxQueue}; split the request`);
    }
    if (waiting + count > this.options.maxQueue) {
      this.observer.onRejected?.('queue_full');
      throw overloaded(`the inference queue is full (${waiting} of ${this.options.maxQueue} waiting); retry shortly`);
    }
  }

  /** Queues every input of one request, or none of them (all-or-nothing, so a request is never half-run). */
  submit(inputs: Float32Array[]): Promise<ItemResult>[] {
    this.refuseUnlessRoom(inputs.length, this.queue.length);
    for (const input of inputs) {
      if (input.length !== this.options.itemSize) throw new RangeError(`input has ${input.length} values, expected ${this.options.itemSize}`);
    }
    const now = performance.now();
    const promises = inputs.map((input) => new Promise<ItemResult>((resolve, reject) => this.queue.push({ input, enqueuedAt: now, resolve, reject })));
    this.observer.onQueueDepth?.(this.queue.length);
    this.schedule();
    return promises;
  }

  /** Refuses new inputs and resolves once every queued and running batch has been answered. */
  stop(): Promise<void> {
    this.stopping = true;
    this.schedule();
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /**
   * Dispatches what can go. With nothing announced, a partial batch leaves at the end of the current
   * event-loop turn (setImmediate) rather than at once: a burst of requests read from the sockets in one
   * turn then leaves as one batch, at a cost of microseconds to a lone request.
   */
  private schedule(endOfTurn = false): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const waited = performance.now() - this.queue[0]!.enqueuedAt;
      const nothingComing = this.announced === 0;
      if (this.queue.length >= this.options.maxBatch || waited >= this.options.maxDelayMs || (nothingComing && endOfTurn) || this.stopping) {
        this.dispatch(this.idle.pop()!);
        continue;
      }
      if (nothingComing) {
        this.endOfTurn ??= setImmediate(() => {
          this.endOfTurn = undefined;
          this.schedule(true);
        });
      } else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.schedule();
        }, Math.max(0, this.options.maxDelayMs - waited));
      }
      return;
    }
  }

  private dispatch(runner: BatchRunner): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.observer.onQueueDepth?.(this.queue.length);
    const size = this.options.itemSize;
    const input = new Float32Array(batch.length * size);
    batch.forEach((item, i) => input.set(item.input, i * size));
    const dispatchedAt = performance.now();
    this.running++;
    // The runner is handed its next batch before this one's answers go out: answering a batch means up to
    // maxBatch HTTP responses on this thread, and the inference thread would sit idle meanwhile.
    const next = () => {
      this.running--;
      this.idle.push(runner);
      this.schedule();
      if (this.stopping && this.queue.length === 0 && this.running === 0) this.drained?.();
    };
    runner(input, batch.length).then(
      (result) => {
        next();
        this.observer.onBatch?.(batch.length, result.seconds);
        const waited = result.waitedSeconds ?? 0;
        batch.forEach((item, i) => {
          const queueSeconds = (dispatchedAt - item.enqueuedAt) / 1000 + waited;
          this.observer.onQueueWait?.(queueSeconds);
          const outputs: Record<string, Float32Array> = {};
          for (const [name, flat] of Object.entries(result.outputs)) {
            const per = flat.length / batch.length;
            outputs[name] = flat.slice(i * per, (i + 1) * per);
          }
          item.resolve({ outputs, queueSeconds, inferenceSeconds: result.seconds, batchSize: batch.length });
        });
      },
      (err: Error) => {
        next();
        batch.forEach((item) => item.reject(err));
      },
    );
  }
}
