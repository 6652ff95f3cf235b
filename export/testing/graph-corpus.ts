// The graph-model corpus: the tfjs graph models @vladmandic/human 3.3.6 ships (MIT; a root devDependency,
// read from node_modules, never copied). Shared by the corpus tests and the real-models benchmark.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HUMAN_MODELS = join(REPO_ROOT, 'node_modules', '@vladmandic', 'human', 'models');

/** The eleven graph models of the package's models/ folder. */
export const GRAPH_CORPUS = [
  'antispoof', 'blazeface', 'centernet', 'emotion', 'facemesh', 'faceres', 'handlandmark-lite', 'handtrack', 'iris', 'liveness',
  'movenet-lightning',
] as const;

export type GraphCorpusModel = (typeof GRAPH_CORPUS)[number];

/**
 * Models verified with a wider atol than the default 1e-4, with why. centernet's heads reach values of ~400
 * after ~100 layers whose activations reach ~70: float32 summation order alone moves its small outputs by
 * ~2e-4, and tfjs' own cpu and wasm backends differ by 3.0e-3 on its `tower_0/wh` output (measured on the
 * same [0, 1) inputs), so 1e-4 would test the summation order rather than the export.
 */
export const WIDER_ATOL: Readonly<Partial<Record<GraphCorpusModel, { atol: number; reason: string }>>> = {
  centernet: { atol: 1e-3, reason: 'tfjs cpu vs wasm differ by 3.0e-3 on tower_0/wh (values up to ~400)' },
};

export function graphCorpusPath(model: string): string {
  return join(HUMAN_MODELS, `${model}.json`);
}

/** Why the corpus cannot be read here, or undefined when it can. */
export function graphCorpusMissing(): string | undefined {
  return existsSync(graphCorpusPath(GRAPH_CORPUS[0])) ? undefined : `${HUMAN_MODELS} is missing: run npm ci (the corpus is the devDependency @vladmandic/human)`;
}
