// Reads a model repository in Triton's layout. A model is a folder holding numeric version folders with
// model.onnx inside; config.pbtxt and labels.txt are optional (Triton generates a config for ONNX models
// too); without labels.txt the labels come from the ONNX metadata. The model's contract (input, output,
// labels, dataset) is read from its metadata through @onnx-edge/core. The repository is input the server does
// not control: only regular files inside it are read (a FIFO would hang the start, /dev/zero never ends, a
// link may lead anywhere), each within a size cap, and whatever is wrong with one model folder refuses that
// model alone, with the file and the reason.
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ContractError, contractFromMetadata, METADATA_KEYS, type InputLayout, type ModelContract, readOnnxMetadata } from '@onnx-edge/core';
import { readRegularFile, realPathInside } from '@onnx-edge/core/node';
import { parseConfigPbtxt, type ModelConfig, type VersionPolicy } from './config-pbtxt.ts';
import { MODEL_NAME_PATTERN } from './writer.ts';

export interface RepositoryModel {
  name: string;
  version: number;
  modelPath: string;
  labels: string[];
  /** Where the labels come from, for messages: labels.txt's path, or the model's metadata. */
  labelsSource: string;
  inputLayout: InputLayout;
  /** What the model takes and gives, from its metadata; labels.txt, where present, replaces its labels. */
  contract: ModelContract;
  /** sha256 of model.onnx (hex): a content version for caches (the browser demo, ETags). */
  sha256: string;
  /** Parsed config.pbtxt, when the folder has one. */
  config?: ModelConfig;
}

/** A model folder: its versions in the order they are tried, and how to read one of them. */
export interface ModelFolder {
  name: string;
  /** Newest first; narrowed by config.pbtxt's version_policy when it has one. */
  versions: number[];
  read(version: number): Promise<RepositoryModel>;
}

export class RepositoryError extends Error {
  override name = 'RepositoryError';
}

/** ONNX's protobuf limit: a model.onnx larger than this is not a model onnxruntime can load in one file. */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;
/** A labels file of this size holds far more classes than any classifier has. */
export const MAX_LABELS_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Whether the folder has an entry of that name (a link counts, even a broken one: reading it says why). */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, (err: NodeJS.ErrnoException) => err.code !== 'ENOENT');
}

/**
 * A file of the repository: inside it once links are followed, regular, within `maxBytes`. Refusals
 * (files.ts) and system errors both name the path.
 */
async function readRepositoryFile(repo: string, path: string, maxBytes: number): Promise<Uint8Array> {
  return readRegularFile(await realPathInside(repo, path), { what: path, maxBytes });
}

const utf8 = new TextDecoder();

function parseLabelsTxt(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

interface DescribedOnnx {
  labels: string[];
  labelsSource: string;
  inputLayout: InputLayout;
  contract: ModelContract;
  sha256: string;
}

/**
 * A file another tool wrote (no onnx_edge.* entry at all) says nothing of images or classes: its tensors are
 * served as they are (KServe v2), rather than read as the seed networks' CIFAR-10 classifier, which is what a
 * file the exporter wrote before it recorded the contract means (such files carry its other entries).
 */
const FOREIGN_CONTRACT: ModelContract = { input: { kind: 'tensor' }, output: { kind: 'tensor' } };
const isOnnxEdgeExport = (metadata: Record<string, string>) => Object.values(METADATA_KEYS).some((key) => key in metadata);

function describeOnnx(bytes: Uint8Array, modelPath: string): DescribedOnnx {
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (err) {
    throw new RepositoryError(`${modelPath} is not an ONNX model (${(err as Error).message}); export one with 'onnx-edge export'`);
  }
  let contract: ModelContract;
  try {
    contract = isOnnxEdgeExport(metadata) ? contractFromMetadata(metadata) : FOREIGN_CONTRACT;
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    throw new RepositoryError(`${modelPath}: ${err.message}`);
  }
  return {
    labels: [...(contract.output.labels ?? [])],
    labelsSource: `the labels in the metadata of ${modelPath}`,
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

function allowedVersions(found: number[], policy: VersionPolicy | undefined): number[] {
  const newestFirst = [...found].sort((a, b) => b - a);
  if (!policy || 'all' in policy) return newestFirst;
  if ('latest' in policy) return newestFirst.slice(0, policy.latest);
  return newestFirst.filter((v) => policy.specific.includes(v));
}

/** One model folder of a repository, or undefined when it holds no version with a model.onnx. */
export async function readModelFolder(repo: string, dir: string): Promise<ModelFolder | undefined> {
  const name = basename(dir);
  await realPathInside(repo, dir).catch((err: Error) => {
    throw new RepositoryError(err.message);
  });
  const configPath = join(dir, 'config.pbtxt');
  let config: ModelConfig | undefined;
  if (await exists(configPath)) {
    const text = utf8.decode(await readRepositoryFile(repo, configPath, MAX_CONFIG_BYTES));
    try {
      config = parseConfigPbtxt(text, name);
    } catch (err) {
      throw new RepositoryError(`${configPath}: ${(err as Error).message}; fix the file or delete it to use defaults`);
    }
  }
  const labelFile = config?.outputs.find((o) => o.labelFilename)?.labelFilename ?? 'labels.txt';
  const labelPath = join(dir, labelFile);
  let labelsTxt: string[] | undefined;
  if (await exists(labelPath)) {
    labelsTxt = parseLabelsTxt(utf8.decode(await readRepositoryFile(repo, labelPath, MAX_LABELS_BYTES)));
  }
  const found: number[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if ((e.isDirectory() || e.isSymbolicLink()) && /^[1-9]\d{0,8}$/.test(e.name) && (await exists(join(dir, e.name, 'model.onnx')))) found.push(Number(e.name));
  }
  const versions = allowedVersions(found, config?.versionPolicy);
  if (versions.length === 0) return undefined;
  return {
    name,
    versions,
    async read(version) {
      const modelPath = join(dir, String(version), 'model.onnx');
      const bytes = await readRepositoryFile(repo, modelPath, MAX_MODEL_BYTES);
      const described = describeOnnx(bytes, modelPath);
      const labels = labelsTxt ? { labels: labelsTxt, labelsSource: labelPath, contract: withLabels(described.contract, labelsTxt) } : {};
      return { name, version, modelPath: await realPathInside(repo, modelPath), ...described, ...labels, ...(config ? { config } : {}) };
    },
  };
}

/** A model folder that could not be read, and why. */
export interface RefusedModel {
  name: string;
  reason: string;
}

/**
 * Every model folder of a repository with a version to serve, sorted by name. With `onRefused`, a folder
 * that cannot be read (a broken config.pbtxt, a labels file that is not a regular file inside the
 * repository, …) is reported there and skipped, so that the others are still served; without it, that is
 * an error. Throws when no model is left.
 */
export async function readModelRepository(repo: string, onRefused?: (refused: RefusedModel) => void): Promise<ModelFolder[]> {
  let entries;
  try {
    entries = await readdir(repo, { withFileTypes: true });
  } catch {
    throw new RepositoryError(`model repository '${repo}' cannot be read; create it with 'onnx-edge export --repo ${repo} --name NAME'`);
  }
  const folders: ModelFolder[] = [];
  const refused: RefusedModel[] = [];
  const candidates = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && MODEL_NAME_PATTERN.test(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of candidates) {
    let folder: ModelFolder | undefined;
    try {
      folder = await readModelFolder(repo, join(repo, e.name));
    } catch (err) {
      // Whatever a folder holds (permissions, links, devices), it stops that model only.
      if (!onRefused) throw err;
      refused.push({ name: e.name, reason: (err as Error).message });
      onRefused(refused.at(-1)!);
    }
    if (folder) folders.push(folder);
  }
  if (folders.length === 0 && refused.length > 0) {
    throw new RepositoryError(`model repository '${repo}' has no usable model: ${refused.map((r) => r.reason).join('; ')}`);
  }
  if (folders.length === 0) {
    throw new RepositoryError(`model repository '${repo}' has no model (expected <repo>/<name>/1/model.onnx)`);
  }
  return folders;
}

/** A single .onnx file served as a model named after the file. */
export async function modelFromFile(modelPath: string): Promise<RepositoryModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(modelPath, { what: `model file '${modelPath}'`, maxBytes: MAX_MODEL_BYTES });
  } catch (err) {
    throw new RepositoryError((err as Error).message);
  }
  const name = basename(modelPath, extname(modelPath)).replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'model';
  return { name, version: 1, modelPath, ...describeOnnx(bytes, modelPath) };
}
