// Dynamic batching. Requests arrive one input (an image, a row of a v2 tensor) at a time; onnxruntime is far
// more efficient per input on a batch, and its run() occupies an inference thread, so inputs wait in a bounded
// queue until either a full batch is there or the oldest has waited `maxDelayMs`, then go to the next idle
// runner as one batch (of inputs that fit together: same sizes, for a model that takes any size).
// Waiting only pays when more inputs are on their way: requests announce their images as they arrive, and
// with none announced a partial batch goes at the end of the event-loop turn instead of sitting out the delay.
// A full queue refuses new inputs at once (429) instead of letting latency grow without bound.
import { performance } from 'node:perf_hooks';
import { overloaded, payloadTooLarge, unavailable } from '../errors.ts';

/** What a batch run gives: one output per item, in the items' order. */
export interface BatchRunResult<O> {
  outputs: O[];
  /** Seconds inside onnxruntime run(). */
  seconds: number;
  /** Seconds the batch waited in the runner for an earlier batch to finish (counted as queue time). */
  waitedSeconds?: number;
}

/** Runs one batch of items. One per inference thread (model-runner.ts joins the items' rows and splits the outputs). */
export type BatchRunner<I, O> = (items: I[]) => Promise<BatchRunResult<O>>;

export interface BatcherOptions<I> {
  maxBatch: number;
  maxDelayMs: number;
  /** Most inputs waiting at once (not counting the batches being run). */
  maxQueue: number;
  /**
   * Items of one batch must have the same key (e.g. their shapes, for a model that takes any image size);
   * without it every item can join any batch.
   */
  keyOf?: (item: I) => string;
}

export interface ItemResult<O> {
  /** This item's output. */
  output: O;
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

interface Pending<I, O> {
  item: I;
  enqueuedAt: number;
  resolve: (result: ItemResult<O>) => void;
  reject: (err: Error) => void;
}

export class Batcher<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private readonly idle: BatchRunner<I, O>[];
  private timer: NodeJS.Timeout | undefined;
  private endOfTurn: NodeJS.Immediate | undefined;
  private running = 0;
  /** Inputs of requests being read or decoded, which will be submitted soon. */
  private announced = 0;
  private stopping = false;
  private drained: (() => void) | undefined;

  constructor(runners: BatchRunner<I, O>[], readonly options: BatcherOptions<I>, private readonly observer: BatchObserver = {}) {
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
  submit(items: I[]): Promise<ItemResult<O>>[] {
    this.refuseUnlessRoom(items.length, this.queue.length);
    const now = performance.now();
    const promises = items.map((item) => new Promise<ItemResult<O>>((resolve, reject) => this.queue.push({ item, enqueuedAt: now, resolve, reject })));
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

  /** The next batch: the oldest item and, up to maxBatch, the items after it that may share its batch. */
  private takeBatch(): Pending<I, O>[] {
    const { keyOf, maxBatch } = this.options;
    if (!keyOf) return this.queue.splice(0, maxBatch);
    const key = keyOf(this.queue[0]!.item);
    const batch: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    for (const pending of this.queue) (batch.length < maxBatch && keyOf(pending.item) === key ? batch : rest).push(pending);
    this.queue.splice(0, this.queue.length, ...rest);
    return batch;
  }

  private dispatch(runner: BatchRunner<I, O>): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.takeBatch();
    this.observer.onQueueDepth?.(this.queue.length);
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
    runner(batch.map((p) => p.item)).then(
      (result) => {
        next();
        this.observer.onBatch?.(batch.length, result.seconds);
        const waited = result.waitedSeconds ?? 0;
        batch.forEach((pending, i) => {
          const queueSeconds = (dispatchedAt - pending.enqueuedAt) / 1000 + waited;
          this.observer.onQueueWait?.(queueSeconds);
          pending.resolve({ output: result.outputs[i]!, queueSeconds, inferenceSeconds: result.seconds, batchSize: batch.length });
        });
      },
      (err: Error) => {
        next();
        batch.forEach((pending) => pending.reject(err));
      },
    );
  }
}
