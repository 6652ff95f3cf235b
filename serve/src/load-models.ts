// The models a server starts with. From a repository, each model folder's versions are tried newest first
// (within config.pbtxt's version_policy) until one loads — read, its session started and checked against
// the folder (inference/model-check.ts) — so a damaged newest version falls back to the one before, as
// Triton's version policy would have it. Whatever is wrong with one model refuses that model alone, in
// the log, with every version's reason; the server starts if any model loads. A single --model file must
// load, or the server does not start.
import type { EpChoice } from '@onnx-edge/core';
import { loadServedModel, type BatchingSettings, type ServedModel } from './inference/served-model.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import { modelFromFile, readModelRepository, RepositoryError, type ModelFolder, type RefusedModel, type RepositoryModel } from './repository/reader.ts';

export interface ModelSource {
  repo?: string;
  model?: string;
}

function load(entry: RepositoryModel, ep: EpChoice, batching: BatchingSettings, metrics: ServerMetrics): Promise<ServedModel> {
  return loadServedModel(entry, ep, batching, {
    onBatch: (size, seconds) => {
      metrics.batchSize.observe({ model: entry.name }, size);
      metrics.inferenceSeconds.observe({ model: entry.name }, seconds);
    },
    onQueueDepth: (depth) => metrics.queueDepth.set({ model: entry.name }, depth),
    onQueueWait: (seconds) => metrics.queueSeconds.observe({ model: entry.name }, seconds),
    onRejected: (reason) => metrics.rejected.inc({ model: entry.name, reason }),
  });
}

/** The newest version of the folder that loads; undefined (and each version's reason) when none does. */
async function loadNewestVersion(folder: ModelFolder, ep: EpChoice, batching: BatchingSettings, metrics: ServerMetrics, logger: Logger): Promise<{ model?: ServedModel; failures: string[] }> {
  const failures: string[] = [];
  for (const version of folder.versions) {
    try {
      const model = await load(await folder.read(version), ep, batching, metrics);
      if (failures.length > 0) logger.warn({ model: folder.name, version, refused: failures }, `model '${folder.name}': newer versions refused, serving version ${version}`);
      return { model, failures };
    } catch (err) {
      failures.push(`version ${version}: ${(err as Error).message}`);
    }
  }
  return { failures };
}

/** Loads what `source` names; throws when nothing can be served. */
export async function loadModels(source: ModelSource, ep: EpChoice, batching: BatchingSettings, metrics: ServerMetrics, logger: Logger): Promise<ServedModel[]> {
  if (source.repo && source.model) throw new Error('give either a model repository (--repo) or one model file (--model), not both');
  if (source.model) {
    const entry = await modelFromFile(source.model);
    return [await load(entry, ep, batching, metrics).catch((err: Error) => {
      throw new RepositoryError(`model file ${source.model}: ${err.message}`);
    })];
  }
  if (!source.repo) throw new Error('nothing to serve: give a model repository (--repo DIR) or a model file (--model file.onnx)');
  // A damaged model in a repository is refused with an error in the log, and the others are served.
  const refused: RefusedModel[] = [];
  const refuse = (model: RefusedModel) => {
    refused.push(model);
    logger.error({ model: model.name, reason: model.reason }, `model '${model.name}' refused: not served`);
  };
  const folders = await readModelRepository(source.repo, refuse);
  const models: ServedModel[] = [];
  try {
    for (const folder of folders) {
      const { model, failures } = await loadNewestVersion(folder, ep, batching, metrics, logger);
      if (model) models.push(model);
      else refuse({ name: folder.name, reason: failures.join('; ') });
    }
  } catch (err) {
    await Promise.all(models.map((m) => m.close()));
    throw err;
  }
  if (models.length === 0) throw new Error(`no model of the repository could be loaded: ${refused.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
  return models;
}
