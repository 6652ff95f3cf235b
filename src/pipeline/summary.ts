// The one-screen summary the pipeline ends with: what it trained on, how, how well, how faithful the export
// is, how big it is, and where every file went. Plain text, aligned, no colours (it is also read by tests).
import type { RunOutcome } from './run-record.ts';

export interface PipelineSummaryFacts {
  outcome: RunOutcome;
  reused: boolean;
  sizing: string;
  more: string;
  runDir: string;
  onnxPath: string;
  repositoryModel: string;
  url?: string;
}

const shortList = (items: string[]) => (items.length > 4 ? `${items.slice(0, 3).join(', ')}, …, ${items.at(-1)}` : items.join(', '));
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatPipelineSummary(facts: PipelineSummaryFacts): string[] {
  const o = facts.outcome;
  const rows: [string, string][] = [
    ['data', o.dataDescription],
    ['backend', o.backend],
    ...(o.kernels ? [['kernels', o.kernels] as [string, string]] : []),
    ['training', `${facts.sizing}${facts.reused ? ` — reused the finished run of ${o.finishedAt} (--retrain trains again)` : ''}`],
    ['epochs', `${o.epochsTrained} on ${o.trainImages.toLocaleString('en-US')} images, ${o.imagesPerSecond.toFixed(1)} images/s`],
    ['accuracy', `${percent(o.valAccuracy)} on ${o.validationSource} (best epoch ${o.bestEpoch})`],
    ['parity', `max |Δprob| ${o.parity.maxAbsDiff.toExponential(2)}${o.parity.top1Agreement === undefined ? '' : `, top-1 agreement ${percent(o.parity.top1Agreement)}`} — tfjs vs onnxruntime on ${o.paritySource}`],
    ['model', `${(o.onnxBytes / 1e6).toFixed(2)} MB ONNX, opset ${o.opset}, ${o.parameters.toLocaleString('en-US')} parameters; ${o.labels.length} labels: ${shortList(o.labels)}`],
    ['run folder', `${facts.runDir} (tfjs/, checkpoint/, history.json, curves.svg, weights.txt, summary.txt, pipeline.json)`],
    ['onnx', facts.onnxPath],
    ['repository', `${facts.repositoryModel} (Triton layout: config.pbtxt, labels.txt, 1/model.onnx)`],
  ];
  if (facts.more) rows.push(['more', facts.more]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = ['', '── onnx-edge pipeline: summary ──', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  if (facts.url) {
    lines.push('', `  try it: curl -F image=@some.png ${facts.url}/classify`, '', `Open ${facts.url}/ in a browser to classify images (Ctrl-C stops the server).`);
  }
  return lines;
}
