// The files of a run folder (tfjs/, checkpoint/, history.json, curves.svg, weights.txt, labels.json, summary.txt)
// and the small writers for the ones that are plain text.
import { join } from 'node:path';
import { writeFileAtomicSync } from '@onnx-edge/core/node';
import { curvesSvg } from './curves-svg.ts';
import { toHistoryFile, type EpochRecord } from './history.ts';

export interface RunPaths {
  root: string;
  /** The best model by validation loss, in the tfjs layout (model.json + weights), for tf.loadLayersModel. */
  tfjs: string;
  checkpoint: string;
  history: string;
  curves: string;
  weights: string;
  labels: string;
  summary: string;
}

export function runPaths(root: string): RunPaths {
  return {
    root,
    tfjs: join(root, 'tfjs'),
    checkpoint: join(root, 'checkpoint'),
    history: join(root, 'history.json'),
    curves: join(root, 'curves.svg'),
    weights: join(root, 'weights.txt'),
    labels: join(root, 'labels.json'),
    summary: join(root, 'summary.txt'),
  };
}

/** history.json and curves.svg, rewritten after every epoch so that a killed run still has both. */
export function writeHistoryAndCurves(paths: RunPaths, epochs: EpochRecord[], title: string): void {
  writeFileAtomicSync(paths.history, `${JSON.stringify(toHistoryFile(epochs), null, 2)}\n`);
  writeFileAtomicSync(paths.curves, curvesSvg(epochs, title));
}

export function writeLabels(paths: RunPaths, classNames: string[]): void {
  writeFileAtomicSync(paths.labels, `${JSON.stringify(classNames)}\n`);
}

export interface RunSummaryFacts {
  title: string;
  modelSummary: string;
  settings: Record<string, string | number>;
  epochs: EpochRecord[];
}

export function writeSummary(paths: RunPaths, facts: RunSummaryFacts): void {
  const width = Math.max(...Object.keys(facts.settings).map((k) => k.length));
  const settings = Object.entries(facts.settings).map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const header = 'epoch      loss  accuracy  val_loss  val_accuracy   img/s  seconds';
  const rows = facts.epochs.map(
    (e) =>
      `${String(e.epoch).padStart(5)}  ${e.loss.toFixed(4).padStart(8)}  ${e.accuracy.toFixed(4).padStart(8)}  ${e.val_loss.toFixed(4).padStart(8)}  ` +
      `${e.val_accuracy.toFixed(4).padStart(12)}  ${e.images_per_second.toFixed(1).padStart(6)}  ${e.seconds.toFixed(0).padStart(7)}`,
  );
  const text = [facts.title, '', ...settings, '', header, ...rows, '', facts.modelSummary, ''].join('\n');
  writeFileAtomicSync(paths.summary, text);
}
