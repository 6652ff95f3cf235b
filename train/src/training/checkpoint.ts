// The run's resumable checkpoint: model weights (BatchNorm statistics included), Adam's state and the loop's
// position. Written atomically after every epoch whose validation loss is the best so far (Keras'
// ModelCheckpoint(save_best_only=True) on val_loss), and on Ctrl-C/SIGTERM at the batch reached.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFromDir, saveModelToDir } from '../networks/model-io.ts';
import { readFolderVersion, replaceFolderAtomic } from '@onnx-edge/core/node';
import type { EpochRecord } from './history.ts';
import type { RunRecipe } from './options.ts';

const STATE_FILE = 'state.json';
const OPTIMIZER_SPECS = 'optimizer.json';
const OPTIMIZER_DATA = 'optimizer.bin';
const MODEL_DIR = 'model';
const FORMAT_VERSION = 1;

export interface CheckpointState {
  recipe: RunRecipe;
  /** Epochs fully trained (and validated). */
  epochsCompleted: number;
  /** Batches of epoch epochsCompleted+1 already trained: non-zero only after an interruption. */
  batchesIntoEpoch: number;
  /** Running sums of the interrupted epoch, so its reported metrics cover all its batches. */
  partialEpoch: { lossSum: number; accuracySum: number; images: number; seconds: number } | null;
  bestValLoss: number | null;
  history: EpochRecord[];
  reason: 'best-epoch' | 'interrupted';
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, state: CheckpointState): Promise<void> {
  const optimizerWeights = await optimizer.getWeights();
  const encoded = await tf.io.encodeWeights(optimizerWeights);
  await replaceFolderAtomic(dir, async (temp) => {
    mkdirSync(temp, { recursive: true });
    await saveModelToDir(model, join(temp, MODEL_DIR));
    writeFileSync(join(temp, OPTIMIZER_DATA), new Uint8Array(tf.io.CompositeArrayBuffer.join(encoded.data)));
    writeFileSync(join(temp, OPTIMIZER_SPECS), JSON.stringify(encoded.specs));
    writeFileSync(join(temp, STATE_FILE), JSON.stringify({ version: FORMAT_VERSION, ...state }, null, 1));
  });
}

/** The checkpoint's state, or undefined when the run folder has none. */
export function readCheckpointState(dir: string): CheckpointState | undefined {
  const found = readFolderVersion(dir);
  if (!found) return undefined;
  const path = join(found, STATE_FILE);
  let parsed: CheckpointState & { version?: number };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the checkpoint ${path}: ${(err as Error).message}; pass --fresh to start over`);
  }
  if (parsed.version !== FORMAT_VERSION) throw new Error(`checkpoint ${path} has format version ${parsed.version}, expected ${FORMAT_VERSION}; pass --fresh to start over`);
  return parsed;
}

/** Copies the checkpoint's weights into `model` (same architecture) and its Adam state into `optimizer`. */
export async function restoreCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void> {
  const found = readFolderVersion(dir);
  if (!found) throw new Error(`no checkpoint in ${dir}`);
  const saved = await loadModelFromDir(join(found, MODEL_DIR));
  model.setWeights(saved.getWeights());
  saved.dispose();
  const specs = JSON.parse(readFileSync(join(found, OPTIMIZER_SPECS), 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = readFileSync(join(found, OPTIMIZER_DATA));
  const byName = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, specs);
  // Adam's setWeights reads its state by position (iterations, then first moments, then second moments).
  await optimizer.setWeights(specs.map((spec) => ({ name: spec.name, tensor: byName[spec.name]! })));
}
