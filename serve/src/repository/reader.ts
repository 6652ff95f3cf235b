// Reads a model repository in Triton's layout. A model is a folder holding numeric version folders with
// model.onnx inside; the highest version is served. config.pbtxt and labels.txt are optional (Triton
// generates a config for ONNX models too); without labels.txt the labels come from the ONNX metadata. The model's
// contract (input, output, labels, dataset) is read from its metadata through @onnx-edge/core.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ContractError, contractFromMetadata, type InputLayout, type ModelContract, readOnnxMetadata } from '@onnx-edge/core';
import { parseConfigPbtxt, type ModelConfig } from './config-pbtxt.ts';
import { MODEL_NAME_PATTERN } from './writer.ts';

export interface RepositoryModel {
  name: string;
  version: number;
  modelPath: string;
  labels: string[];
  inputLayout: InputLayout;
  /** What the model takes and gives, from its metadata; labels.txt, where present, replaces its labels. */
  contract: ModelContract;
  /** sha256 of model.onnx (hex): a content version for caches (the browser demo, ETags). */
  sha256: string;
  /** Parsed config.pbtxt, when the folder has one. */
  config?: ModelConfig;
}

export class RepositoryError extends Error {
  override name = 'RepositoryError';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function highestVersion(dir: string): Promise<number | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  const versions = entries
    .filter((e) => e.isDirectory() && /^[1-9]\d*$/.test(e.name))
    .map((e) => Number(e.name))
    .sort((a, b) => b - a);
  for (const v of versions) if (await exists(join(dir, String(v), 'model.onnx'))) return v;
  return undefined;
}

function parseLabelsTxt(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

interface DescribedOnnx {
  labels: string[];
  inputLayout: InputLayout;
  contract: ModelContract;
  sha256: string;
}

async function describeOnnx(modelPath: string): Promise<DescribedOnnx> {
  let metadata: Record<string, string>;
  const bytes = await readFile(modelPath);
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (err) {
    throw new RepositoryError(`${modelPath} is not an ONNX model (${(err as Error).message}); export one with 'onnx-edge export'`);
  }
  let contract: ModelContract;
  try {
    contract = contractFromMetadata(metadata);
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    throw new RepositoryError(`${modelPath}: ${err.message}`);
  }
  return {
    labels: [...(contract.output.labels ?? [])],
    inputLayout: contract.input.kind === 'image' ? contract.input.layout : 'NCHW',
    contract,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The contract as served: labels.txt's labels replace the file's own. */
function withLabels(contract: ModelContract, labels: string[]): ModelContract {
  const classes = contract.output.kind === 'probabilities' || contract.output.kind === 'logits';
  return classes && labels.length > 0 ? { ...contract, output: { ...contract.output, labels } } : contract;
}

/** One model folder of a repository, or undefined when the folder holds no servable version. */
export async function readModelFolder(dir: string): Promise<RepositoryModel | undefined> {
  const name = basename(dir);
  const version = await highestVersion(dir);
  if (version === undefined) return undefined;
  const modelPath = join(dir, String(version), 'model.onnx');
  const configPath = join(dir, 'config.pbtxt');
  let config: ModelConfig | undefined;
  if (await exists(configPath)) {
    try {
      config = parseConfigPbtxt(await readFile(configPath, 'utf8'), name);
    } catch (err) {
      throw new RepositoryError(`${configPath}: ${(err as Error).message}; fix the file or delete it to use defaults`);
    }
  }
  const described = await describeOnnx(modelPath);
  const labelFile = config?.outputs.find((o) => o.labelFilename)?.labelFilename ?? 'labels.txt';
  const labelPath = join(dir, basename(labelFile));
  const labels = (await exists(labelPath)) ? parseLabelsTxt(await readFile(labelPath, 'utf8')) : described.labels;
  return {
    name, version, modelPath, labels, inputLayout: described.inputLayout, contract: withLabels(described.contract, labels), sha256: described.sha256,
    ...(config ? { config } : {}),
  };
}

/** A model folder that could not be read, and why. */
export interface RefusedModel {
  name: string;
  reason: string;
}

/**
 * Every servable model of a repository, sorted by name. With `onRefused`, a folder that cannot be read (a
 * damaged model.onnx, a broken config.pbtxt) is reported there and skipped, so that the others are still
 * served; without it, that is an error. Throws when no model is left.
 */
export async function readModelRepository(repo: string, onRefused?: (refused: RefusedModel) => void): Promise<RepositoryModel[]> {
  let entries;
  try {
    entries = await readdir(repo, { withFileTypes: true });
  } catch {
    throw new RepositoryError(`model repository '${repo}' cannot be read; create it with 'onnx-edge export --repo ${repo} --name NAME'`);
  }
  const models: RepositoryModel[] = [];
  const refused: RefusedModel[] = [];
  for (const e of entries.filter((e) => e.isDirectory() && MODEL_NAME_PATTERN.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    let model: RepositoryModel | undefined;
    try {
      model = await readModelFolder(join(repo, e.name));
    } catch (err) {
      if (!onRefused || !(err instanceof RepositoryError)) throw err;
      refused.push({ name: e.name, reason: err.message });
      onRefused(refused.at(-1)!);
    }
    if (model) models.push(model);
  }
  if (models.length === 0 && refused.length > 0) {
    throw new RepositoryError(`model repository '${repo}' has no usable model: ${refused.map((r) => r.reason).join('; ')}`);
  }
  if (models.length === 0) {
    throw new RepositoryError(`model repository '${repo}' has no model (expected <repo>/<name>/1/model.onnx)`);
  }
  return models;
}

/** A single .onnx file served as a model named after the file. */
export async function modelFromFile(modelPath: string): Promise<RepositoryModel> {
  if (!(await exists(modelPath))) throw new RepositoryError(`model file '${modelPath}' does not exist`);
  const name = basename(modelPath, extname(modelPath)).replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'model';
  const described = await describeOnnx(modelPath);
  return { name, version: 1, modelPath, ...described };
}
