// The real tfjs models the project is tested against, shipped inside npm packages that are devDependencies
// of the repository (read from node_modules, never copied): the model.json files of the corpus with weights.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** The package folders of the corpus (MIT licensed). */
export const CORPUS_PACKAGES = ['@upscalerjs/esrgan-slim', '@upscalerjs/models', '@vladmandic/human'] as const;

export interface CorpusModel {
  /** e.g. '@upscalerjs/models/models/div2k/005-2x/model.json' */
  id: string;
  path: string;
  format: string;
  /** Whether any weight of its manifest carries a quantization. */
  quantized: boolean;
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) jsonFiles(path, out);
    else if (entry.endsWith('.json')) out.push(path);
  }
  return out;
}

/** Every JSON file of the corpus packages that is a tfjs model with a weightsManifest, sorted by id. */
export function corpusModels(): CorpusModel[] {
  const models: CorpusModel[] = [];
  for (const pkg of CORPUS_PACKAGES) {
    // A missing package is an install problem, not a reason to skip: readdirSync throws naming it.
    for (const path of jsonFiles(join(NODE_MODULES, pkg))) {
      let json: { weightsManifest?: { weights: { quantization?: unknown }[] }[]; format?: string; modelTopology?: unknown };
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      if (!Array.isArray(json.weightsManifest) || typeof json.modelTopology !== 'object') continue;
      const quantized = json.weightsManifest.some((g) => g.weights.some((w) => w.quantization));
      models.push({ id: relative(NODE_MODULES, path), path, format: json.format ?? 'layers-model', quantized });
    }
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
