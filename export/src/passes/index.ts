// The optimisation pipeline, in order. Each pass is `run(graph) → changed`.
import type { Graph } from '../ir/graph.ts';
import * as cancelTransposes from './cancel-transposes.ts';
import * as deadCode from './dead-code.ts';
import * as dedupeConstants from './dedupe-constants.ts';
import * as eliminateNoops from './eliminate-noops.ts';
import * as foldBatchNorm from './fold-batchnorm.ts';
import * as foldConvAffine from './fold-conv-affine.ts';
import * as shapeInference from './shape-inference.ts';
import * as strideBeforePool from './stride-before-pool.ts';

export interface Pass {
  name: string;
  run(graph: Graph): boolean;
}

export const pipeline: readonly Pass[] = [
  // First: Identity nodes (Dropout, linear activations) would otherwise sit between a Conv and its BN.
  { name: 'eliminate-noops', run: eliminateNoops.run },
  // After no-ops are gone, so a layout change and its inverse around a tfjs-layout layer are adjacent.
  { name: 'cancel-transposes', run: cancelTransposes.run },
  // Needs Conv → BN adjacent; leaves the original weights unused.
  { name: 'fold-batchnorm', run: foldBatchNorm.run },
  // After BN folding (a folded Conv may still be followed by a per-channel Mul/Add of a graph model).
  { name: 'fold-conv-affine', run: foldConvAffine.run },
  // Drops nodes and constants that no longer reach an output (e.g. weights replaced by folding).
  { name: 'dead-code', run: deadCode.run },
  // Pool → strided 1×1 Conv: the stride moves onto the pool (fewer maxima, same numbers).
  { name: 'stride-before-pool', run: strideBeforePool.run },
  // After folding, so only the constants that survive are compared.
  { name: 'dedupe-constants', run: dedupeConstants.run },
  // Last: every node that will be written exists, so every value gets its shape.
  { name: 'shape-inference', run: shapeInference.run },
];

export interface PassReport {
  name: string;
  changed: boolean;
  ms: number;
}

export function runPipeline(graph: Graph): PassReport[] {
  return pipeline.map((pass) => {
    const start = performance.now();
    const changed = pass.run(graph);
    return { name: pass.name, changed, ms: performance.now() - start };
  });
}
