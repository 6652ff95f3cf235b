// Data-parallel training on several cores: the wasm backend runs one thread under Node, so each extra core
// gets a replica in a worker thread. Every batch is split into shards; the training thread computes its
// shard's gradient while the workers compute theirs (at the same weights), the gradients are averaged
// weighted by shard size, and Adam applies the average once, here. The workers hold no optimizer state: each
// request carries the current weights. BatchNorm uses per-shard batch statistics (as Keras' MirroredStrategy
// does) and the moving averages are this thread's, so the result differs slightly from one-thread training,
// but is just as deterministic for a given seed and worker count.
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '@onnx-edge/core/node';
import * as tf from '@tensorflow/tfjs';
import type { RunRecipe } from '../options.ts';
import { batchObjective, trainStep, type BatchResult } from '../step.ts';
import { flatten, unflatten } from './flat.ts';
import type { ReplicaMessage, ReplicaSetup, ShardRequest, ShardResult } from './messages.ts';

export interface Stepper {
  /** Threads that compute gradients (1 = this thread only). */
  readonly replicas: number;
  step(xs: tf.Tensor4D, ys: tf.Tensor1D): Promise<BatchResult>;
  close(): Promise<void>;
}

export function singleThreadStepper(model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[]): Stepper {
  return { replicas: 1, step: (xs, ys) => trainStep(model, optimizer, variables, xs, ys), close: async () => {} };
}

const WORKER_URL = new URL('./replica-worker.ts', import.meta.url);

class Replica {
  private pending: { resolve: (r: ShardResult) => void; reject: (e: Error) => void } | null = null;
  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: ReplicaMessage) => {
      const waiting = this.pending;
      this.pending = null;
      if (message.type === 'result') waiting?.resolve(message.result);
      else if (message.type === 'error') waiting?.reject(new Error(`training replica: ${message.message}`));
    });
    worker.on('error', (err) => this.pending?.reject(err));
  }

  static start(setup: ReplicaSetup): Promise<Replica> {
    const worker = startTsWorker(WORKER_URL, { workerData: setup });
    return new Promise((resolve, reject) => {
      worker.once('message', (message: ReplicaMessage) => {
        if (message.type === 'ready') resolve(new Replica(worker));
        else reject(new Error(message.type === 'error' ? message.message : 'training replica sent no ready message'));
      });
      worker.once('error', reject);
    });
  }

  compute(request: ShardRequest): Promise<ShardResult> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Shard sizes of a batch of `size` over `count` replicas: as equal as possible, larger ones first. */
export function shardSizes(size: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(size / count) + (i < size % count ? 1 : 0));
}

export async function dataParallelStepper(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  recipe: RunRecipe,
  backend: string,
  replicas: number,
  kernels: 'ort' | 'wasm' = 'wasm',
): Promise<Stepper> {
  if (replicas <= 1) return singleThreadStepper(model, optimizer, variables);
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`data-parallel training runs on the wasm and cpu backends, not ${backend}`);
  const setup: ReplicaSetup = { recipe, backend, kernels, replicas };
  const workers = await Promise.all(Array.from({ length: replicas - 1 }, () => Replica.start(setup)));
  return {
    replicas,
    async step(xs, ys) {
      const size = xs.shape[0];
      const shards = shardSizes(size, replicas);
      const weights = flatten(variables);
      const pixels = xs.dataSync() as Float32Array;
      const labels = ys.dataSync() as Int32Array;
      const perImage = pixels.length / size;
      let offset = shards[0]!;
      const remote = workers.map((worker, i) => {
        const count = shards[i + 1]!;
        const request = { weights, pixels: pixels.slice(offset * perImage, (offset + count) * perImage), labels: labels.slice(offset, offset + count) };
        offset += count;
        return count > 0 ? worker.compute(request) : null;
      });
      let local!: ShardResult;
      tf.tidy(() => {
        const mine = shards[0]!;
        const xsMine = tf.slice(xs, 0, mine);
        const ysMine = tf.slice(ys, 0, mine);
        let accuracy: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => batchObjective(model, xsMine, ysMine, (a) => (accuracy = a)), variables);
        local = { gradients: flatten(variables.map((v) => grads[v.name]!)), loss: value.dataSync()[0]!, accuracy: accuracy!.dataSync()[0]! };
        accuracy!.dispose();
      });
      const results = [local, ...(await Promise.all(remote.map((r) => r ?? Promise.resolve(null))))];
      // Average weighted by shard size: the gradient of the whole batch's mean objective.
      const average = new Float32Array(local.gradients.length);
      let loss = 0;
      let accuracy = 0;
      results.forEach((r, i) => {
        if (!r) return;
        const weight = shards[i]! / size;
        for (let j = 0; j < average.length; j++) average[j] += r.gradients[j]! * weight;
        loss += r.loss * weight;
        accuracy += r.accuracy * weight;
      });
      const gradients = unflatten(variables, average);
      optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i]! })));
      tf.dispose(gradients);
      return { loss, accuracy };
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
