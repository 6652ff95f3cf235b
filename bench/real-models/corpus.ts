// The real-model corpus: the tfjs layers models shipped inside npm packages that are devDependencies of
// this repository (read from node_modules, never copied). Each model.json found under a package's models/
// folder counts; graph models are left out (another front end). A model's custom classes say which plugin
// of examples/plugins/ it needs. Used by the corpus tests, the generated docs/REAL-MODELS.md and
// `onnx-edge bench real-models`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The packages, as pinned in the root package.json; all MIT-licensed. */
export const CORPUS_PACKAGES = [
  { name: '@upscalerjs/esrgan-slim', version: '1.0.0', licence: 'MIT' },
  { name: '@upscalerjs/models', version: '0.9.0', licence: 'MIT' },
] as const;

/** Plugins for the custom classes the corpus uses (paths from the repository root). */
export const CLASS_PLUGINS: Readonly<Record<string, string>> = {
  MultiplyBeta: 'examples/plugins/upscalerjs.ts',
  PixelShuffle: 'examples/plugins/upscalerjs.ts',
};

export interface CorpusModel {
  /** Package and folder under its models/: '@upscalerjs/esrgan-slim/x2'. */
  name: string;
  modelJson: string;
  /** Plugin files it needs (absolute paths). */
  plugins: string[];
  /** Any input dimension besides the batch unknown (fully convolutional). */
  unknownDims: boolean;
  /** Weights stored quantized (uint8, uint16, float16). */
  quantized: boolean;
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: unknown; model_config?: unknown; class_name?: string; config?: unknown };
  weightsManifest?: { weights: { quantization?: unknown }[] }[];
}

function modelJsons(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) modelJsons(path, out);
    else if (entry === 'model.json') out.push(path);
  }
  return out;
}

/** Every { class_name, config } in the topology, nested models included. */
function layerConfigs(json: unknown, out: { class_name: string; config: Record<string, unknown> }[] = []) {
  if (Array.isArray(json)) json.forEach((item) => layerConfigs(item, out));
  else if (typeof json === 'object' && json !== null) {
    const record = json as Record<string, unknown>;
    if (typeof record['class_name'] === 'string' && typeof record['config'] === 'object') out.push(record as never);
    Object.values(record).forEach((value) => layerConfigs(value, out));
  }
  return out;
}

/** Where a corpus package lies (hoisted to the root node_modules), or undefined when it is not installed. */
export function packageDir(name: string): string | undefined {
  const dir = join(REPO_ROOT, 'node_modules', name);
  return existsSync(join(dir, 'package.json')) ? dir : undefined;
}

/** The corpus' layers models, in a fixed order; a package that is not installed is an error naming it. */
export function corpusModels(): CorpusModel[] {
  return CORPUS_PACKAGES.flatMap((pkg) => {
    const dir = packageDir(pkg.name);
    if (!dir) throw new Error(`${pkg.name} is not installed: run npm ci (it is a devDependency)`);
    return modelJsons(join(dir, 'models')).flatMap((modelJson): CorpusModel[] => {
      const json = JSON.parse(readFileSync(modelJson, 'utf8')) as ModelJson;
      if (json.format === 'graph-model' || json.modelTopology?.node !== undefined) return [];
      const layers = layerConfigs(json.modelTopology);
      const plugins = [...new Set(layers.flatMap((l) => (Object.hasOwn(CLASS_PLUGINS, l.class_name) ? [join(REPO_ROOT, CLASS_PLUGINS[l.class_name]!)] : [])))];
      const unknownDims = layers.some((l) => {
        const shape = l.config['batch_input_shape'];
        return Array.isArray(shape) && shape.slice(1).some((d) => d === null);
      });
      const quantized = (json.weightsManifest ?? []).some((g) => g.weights.some((w) => w.quantization !== undefined));
      const folder = relative(join(dir, 'models'), modelJson).replace(/\/?model\.json$/, '');
      return [{ name: `${pkg.name}/${folder}`, modelJson, plugins, unknownDims, quantized }];
    });
  });
}
