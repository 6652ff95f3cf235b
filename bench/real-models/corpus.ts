// The real-model corpus as the exporter meets it: the tfjs layers models among the published models of the
// devDependencies (export/testing's corpus; graph models are another front end's), each with the plugin its
// custom classes need (examples/plugins/) and whether its inputs have unknown dimensions. Used by the corpus
// tests, the generated docs/REAL-MODELS.md and `onnx-edge bench real-models`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusModels as publishedModels, CORPUS_PACKAGES } from '@onnx-edge/export/testing';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

/** The corpus' layers models, in the corpus' order. */
export function corpusModels(): CorpusModel[] {
  return publishedModels().filter((m) => m.format === 'layers-model').map((m) => {
    const layers = layerConfigs((JSON.parse(readFileSync(m.path, 'utf8')) as { modelTopology: unknown }).modelTopology);
    const plugins = [...new Set(layers.flatMap((l) => (Object.hasOwn(CLASS_PLUGINS, l.class_name) ? [join(REPO_ROOT, CLASS_PLUGINS[l.class_name]!)] : [])))];
    const unknownDims = layers.some((l) => {
      const shape = l.config['batch_input_shape'];
      return Array.isArray(shape) && shape.slice(1).some((d) => d === null);
    });
    return { name: m.id.replace('/models/', '/').replace(/\/model\.json$/, ''), modelJson: m.path, plugins, unknownDims, quantized: m.quantized };
  });
}

/** The packages holding layers models, with the version installed and its licence, for the docs. */
export function corpusPackages(): { name: string; version: string; licence: string }[] {
  const names = new Set(corpusModels().map((m) => CORPUS_PACKAGES.find((p) => m.name.startsWith(`${p}/`))!));
  return [...names].map((name) => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string; license: string };
    return { name, version: pkg.version, licence: pkg.license };
  });
}
