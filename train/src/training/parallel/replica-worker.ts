// A replica in a worker thread: builds the same network on its own wasm backend and, for each shard it is
// sent, returns the gradient of the shard's objective at the weights that came with it.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../backend/select.ts';
import { selectTrainingKernels } from '../../kernels/select.ts';
import { buildNetwork } from '../../networks/build.ts';
import { batchObjective, trainableVariables } from '../step.ts';
import { assignFlat, flatten } from './flat.ts';
import type { ReplicaMessage, ReplicaSetup, ShardRequest } from './messages.ts';

const port = parentPort!;
const { recipe, backend, kernels, replicas } = workerData as ReplicaSetup;
const send = (message: ReplicaMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  await selectBackend(backend, () => {});
  if (backend === 'wasm') selectTrainingKernels(kernels, backend, () => {}, { replicas });
  const model = buildNetwork(recipe.model, { variant: recipe.variant, seed: recipe.seed });
  const variables = trainableVariables(model);
  port.on('message', (request: ShardRequest) => {
    try {
      assignFlat(variables, request.weights);
      const size = request.labels.length;
      const xs = tf.tensor4d(request.pixels, [size, 32, 32, 3]);
      const ys = tf.tensor1d(request.labels, 'int32');
      let accuracy: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => batchObjective(model, xs, ys, (a) => (accuracy = a)), variables);
      const gradients = flatten(variables.map((v) => grads[v.name]!));
      const result = { gradients, loss: value.dataSync()[0]!, accuracy: accuracy!.dataSync()[0]! };
      tf.dispose([xs, ys, value, accuracy!, ...Object.values(grads)]);
      send({ type: 'result', result }, [gradients.buffer as ArrayBuffer]);
    } catch (err) {
      send({ type: 'error', message: (err as Error).message });
    }
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'error', message: `replica failed to start: ${(err as Error).message}` });
}
