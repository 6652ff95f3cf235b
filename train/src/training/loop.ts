// trainModel: the tutorial's model.fit as a resumable run. Picks the backend, loads the data, builds the
// network (or restores it from the run folder's checkpoint), trains epoch by epoch with validation after
// each, keeps the best model by validation loss, and writes the run folder.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { releaseBackend, selectBackend, type BackendSelection } from '../backend/select.ts';
import { selectTrainingKernels, type KernelSelection } from '../kernels/select.ts';
import { batches } from '../data/batches.ts';
import { buildNetwork } from '../networks/build.ts';
import { loadModelFromDir, saveModelToDir } from '../networks/model-io.ts';
import { formatModelSummary } from '../networks/summary.ts';
import { replaceFolderAtomic } from '@onnx-edge/core/node';
import { readCheckpointState, restoreCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.ts';
import { loadRunData } from './data-source.ts';
import { bestEpoch, toHistoryFile, type EpochRecord, type HistoryFile } from './history.ts';
import { TrainingInterrupted, watchInterrupts } from './interrupt.ts';
import { DEFAULT_EPOCHS, recipeOf, type RunRecipe, type TrainOptions } from './options.ts';
import type { ProgressEvent } from './progress.ts';
import { runPaths, writeHistoryAndCurves, writeLabels, writeSummary, type RunPaths } from './run-folder.ts';
import { dataParallelStepper } from './parallel/data-parallel.ts';
import { DEFAULT_PRECISE_BN_IMAGES, reestimateBatchNorm, seededSubset } from './precise-bn.ts';
import { evaluate, trainableVariables } from './step.ts';
import { writeWeightsFile } from './weights-dump.ts';

export interface TrainHooks {
  onProgress?: (event: ProgressEvent) => void;
  /** Status lines (backend choice, data, resume, files written); default console.log. */
  log?: (line: string) => void;
}

export interface TrainResult {
  runDir: string;
  history: HistoryFile;
  bestValAccuracy: number;
  backend: BackendSelection;
  /** What computed the convolutions and matrix products ('ort', 'wasm', or the backend's own). */
  kernels: { name: string; reason: string };
  /** Training images per second over the epochs this call trained (validation excluded). */
  imagesPerSecond: number;
  /** What was trained and validated on, in the words of the `data:` log line. */
  data: { trainSource: string; validationSource: string; trainImages: number };
}

const PRECISE_BN_SEED_OFFSET = 104_729;
const yieldToEventLoop = () => new Promise<void>((done) => setImmediate(done));

/** The recipe of a resumed run is the checkpoint's; an explicit flag that contradicts it is an error. */
function resumedRecipe(saved: RunRecipe, options: TrainOptions, checkpointDir: string): RunRecipe {
  const asked: Partial<Record<keyof RunRecipe, unknown>> = {
    model: options.model,
    variant: options.variant,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    seed: options.seed,
    workers: options.workers,
  };
  for (const [key, value] of Object.entries(asked)) {
    const savedValue = saved[key as keyof RunRecipe];
    if (value !== undefined && value !== savedValue) {
      throw new Error(`the checkpoint in ${checkpointDir} was trained with ${key} ${savedValue}, not ${value}: pass --fresh to start over, or another --out`);
    }
  }
  return saved;
}

async function saveBestModel(paths: RunPaths, model: tf.LayersModel): Promise<void> {
  await replaceFolderAtomic(paths.tfjs, async (temp) => {
    await saveModelToDir(model, temp);
  });
}

export async function trainModel(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const log = hooks.log ?? ((line: string) => console.log(line));
  const emit = hooks.onProgress ?? (() => {});
  const totalEpochs = options.epochs ?? DEFAULT_EPOCHS;
  const paths = runPaths(resolve(options.outDir));
  mkdirSync(paths.root, { recursive: true });
  if (options.fresh) rmSync(paths.checkpoint, { recursive: true, force: true });

  const saved = readCheckpointState(paths.checkpoint);
  if (saved) resumedRecipe(saved.recipe, options, paths.checkpoint);
  const backend = await selectBackend(options.backend ?? 'auto', log);
  const singleCoreBackend = backend.name === 'wasm' || backend.name === 'cpu';
  const recipe = saved?.recipe ?? recipeOf(options, () => Math.floor(Math.random() * 2 ** 31));
  if (recipe.workers > 1 && !singleCoreBackend) {
    throw new Error(`--workers ${recipe.workers} applies to the wasm and cpu backends only; the ${backend.name} backend uses every core itself (use --workers 1)`);
  }
  const data = await loadRunData({ data: options.data, valData: options.valData, limit: options.limit, valLimit: options.valLimit, seed: recipe.seed }, log);
  log(`data: training on ${data.trainSource}; validating on ${data.validationSource}`);

  const kernels: KernelSelection = selectTrainingKernels(options.kernels ?? 'auto', backend.name, log, { replicas: recipe.workers });
  const model = buildNetwork(recipe.model, { variant: recipe.variant, seed: recipe.seed });
  const optimizer = tf.train.adam(recipe.learningRate);
  const variables = trainableVariables(model);
  const stepper = await dataParallelStepper(model, optimizer, variables, recipe, backend.name, recipe.workers, kernels.name === 'ort' ? 'ort' : 'wasm');
  if (recipe.workers > 1) log(`workers: ${recipe.workers} threads compute gradients (data-parallel, ${recipe.batchSize} images split per batch)`);
  const history: EpochRecord[] = saved ? [...saved.history] : [];
  let bestValLoss = saved?.bestValLoss ?? null;
  let checkpointIsInterrupted = saved?.reason === 'interrupted';
  let partial = saved?.partialEpoch ?? null;
  let skipBatches = saved?.batchesIntoEpoch ?? 0;
  const firstEpoch = (saved?.epochsCompleted ?? 0) + 1;
  if (saved) {
    await restoreCheckpoint(paths.checkpoint, model, optimizer);
    log(`resume: ${paths.checkpoint} holds ${saved.epochsCompleted} epoch(s)${skipBatches ? ` and ${skipBatches} batch(es) of epoch ${firstEpoch}` : ''}; continuing (--fresh starts over)`);
  }
  if (firstEpoch > totalEpochs) log(`resume: the run already has ${saved!.epochsCompleted} epoch(s); pass a larger --epochs to train more`);

  // The same seeded subset every epoch, so the re-estimated statistics depend on the weights only.
  const preciseBn = seededSubset(data.train, options.preciseBnImages ?? DEFAULT_PRECISE_BN_IMAGES, recipe.seed + PRECISE_BN_SEED_OFFSET);
  log(preciseBn.count > 0
    ? `batchnorm: after each epoch the moving mean/variance are re-estimated on ${preciseBn.count} training images (precise BatchNorm; --precise-bn 0 keeps Keras' moving averages)`
    : "batchnorm: Keras' moving averages (momentum 0.99), as the tutorial; they lag behind the weights in short trainings (--precise-bn N re-estimates them)");

  const title = `${model.name} — ${recipe.batchSize}/batch, Adam ${recipe.learningRate}, seed ${recipe.seed}, ${backend.name}`;
  const checkpointState = (epochsCompleted: number, batchesIntoEpoch: number, reason: CheckpointState['reason']): CheckpointState => ({
    recipe, epochsCompleted, batchesIntoEpoch, partialEpoch: partial, bestValLoss, history, reason,
  });
  const trainedImages = { count: 0, seconds: 0 };
  const batchesPerEpoch = Math.ceil(data.train.count / recipe.batchSize);
  const interrupts = watchInterrupts(log);
  try {
    for (let epoch = firstEpoch; epoch <= totalEpochs; epoch++) {
      const sums = partial ?? { lossSum: 0, accuracySum: 0, images: 0, seconds: 0 };
      partial = null;
      let index = 0;
      for (const { xs, ys } of batches(data.train, { batchSize: recipe.batchSize, shuffle: true, seed: recipe.seed + epoch * 7919 })) {
        index++;
        if (index <= skipBatches) {
          tf.dispose([xs, ys]);
          continue;
        }
        const started = performance.now();
        const result = await stepper.step(xs, ys);
        const seconds = (performance.now() - started) / 1000;
        const size = xs.shape[0];
        tf.dispose([xs, ys]);
        sums.lossSum += result.loss * size;
        sums.accuracySum += result.accuracy * size;
        sums.images += size;
        sums.seconds += seconds;
        trainedImages.count += size;
        trainedImages.seconds += seconds;
        const rate = sums.images / sums.seconds;
        const remaining = data.train.count - Math.min(data.train.count, index * recipe.batchSize);
        emit({ type: 'batch', epoch, epochs: totalEpochs, batch: index, batches: batchesPerEpoch, loss: sums.lossSum / sums.images, accuracy: sums.accuracySum / sums.images, imagesPerSecond: rate, etaSeconds: remaining / rate });
        await yieldToEventLoop();
        if (interrupts.requested && index < batchesPerEpoch) {
          partial = sums;
          await saveCheckpoint(paths.checkpoint, model, optimizer, checkpointState(epoch - 1, index, 'interrupted'));
          writeHistoryAndCurves(paths, history, title);
          throw new TrainingInterrupted(interrupts.requested, paths.root, paths.checkpoint);
        }
      }
      skipBatches = 0;

      const preciseBnStarted = performance.now();
      if (preciseBn.count > 0) {
        emit({ type: 'precise-bn', epoch, epochs: totalEpochs, images: preciseBn.count });
        await reestimateBatchNorm(model, preciseBn, recipe.batchSize, yieldToEventLoop);
      }
      const preciseBnSeconds = (performance.now() - preciseBnStarted) / 1000;
      emit({ type: 'validation', epoch, epochs: totalEpochs });
      const validation = await evaluate(model, data.validation, yieldToEventLoop);
      const record: EpochRecord = {
        epoch,
        loss: sums.lossSum / sums.images,
        accuracy: sums.accuracySum / sums.images,
        val_loss: validation.loss,
        val_accuracy: validation.accuracy,
        images_per_second: sums.images / sums.seconds,
        seconds: sums.seconds,
        precise_bn_images: preciseBn.count,
        precise_bn_seconds: preciseBnSeconds,
      };
      history.push(record);
      const improved = bestValLoss === null || record.val_loss < bestValLoss;
      if (improved) {
        bestValLoss = record.val_loss;
        await saveBestModel(paths, model);
      }
      // The checkpoint is the best epoch (Keras' save_best_only), but an interrupted state must not outlive
      // the epoch it was taken in, or a restart would train that epoch's batches twice.
      if (improved || checkpointIsInterrupted || interrupts.requested) {
        await saveCheckpoint(paths.checkpoint, model, optimizer, checkpointState(epoch, 0, 'best-epoch'));
        checkpointIsInterrupted = false;
      }
      writeHistoryAndCurves(paths, history, title);
      emit({ type: 'epoch', epoch, epochs: totalEpochs, loss: record.loss, accuracy: record.accuracy, valLoss: record.val_loss, valAccuracy: record.val_accuracy, imagesPerSecond: record.images_per_second, seconds: record.seconds, improved });
      if (interrupts.requested) throw new TrainingInterrupted(interrupts.requested, paths.root, paths.checkpoint);
    }
  } finally {
    interrupts.stop();
    await stepper.close();
    kernels.release();
  }

  const best = bestEpoch(history);
  if (!best) throw new Error(`no epoch was trained: --epochs is ${totalEpochs}`);
  const bestModel = await loadModelFromDir(paths.tfjs);
  await writeWeightsFile(paths.weights, bestModel);
  bestModel.dispose();
  writeLabels(paths, data.train.classNames);
  writeHistoryAndCurves(paths, history, title);
  const imagesPerSecond = trainedImages.seconds > 0 ? trainedImages.count / trainedImages.seconds : best.images_per_second;
  writeSummary(paths, {
    title,
    modelSummary: formatModelSummary(model),
    settings: {
      model: recipe.model,
      variant: recipe.variant,
      'batch size': recipe.batchSize,
      optimizer: `Adam (learning rate ${recipe.learningRate})`,
      loss: 'sparse categorical cross-entropy',
      seed: recipe.seed,
      workers: `${recipe.workers} gradient thread(s)`,
      'BatchNorm statistics': preciseBn.count > 0
        ? `precise BatchNorm: re-estimated after each epoch on ${preciseBn.count} training images (seeded subset), inference mode, layer by layer`
        : "Keras' moving averages (momentum 0.99)",
      backend: `${backend.name} — ${backend.reason}`,
      kernels: `${kernels.name} — ${kernels.reason}`,
      'training data': data.trainSource,
      'validation data': data.validationSource,
      epochs: history.length,
      'best epoch (val_loss)': `${best.epoch}: val_loss ${best.val_loss.toFixed(4)}, val_accuracy ${best.val_accuracy.toFixed(4)}`,
      'training speed': `${imagesPerSecond.toFixed(1)} images/s`,
      'tfjs model (best)': paths.tfjs,
    },
    epochs: history,
  });
  log(`wrote ${paths.root}: tfjs/ (best epoch ${best.epoch}), checkpoint/, history.json, curves.svg, weights.txt, labels.json, summary.txt`);
  model.dispose();
  optimizer.dispose();
  await releaseBackend(backend);
  return {
    runDir: paths.root,
    history: toHistoryFile(history),
    bestValAccuracy: best.val_accuracy,
    backend,
    kernels: { name: kernels.name, reason: kernels.reason },
    imagesPerSecond,
    data: { trainSource: data.trainSource, validationSource: data.validationSource, trainImages: data.train.count },
  };
}
