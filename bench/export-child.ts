// Child process of `bench export`: builds one seed network, exports it `runs` times and prints one JSON
// line with the times, the ONNX size, the tfjs weights size and this process's memory. A fresh process
// per network so that peak RSS belongs to that network's export alone.
import * as tf from '@tensorflow/tfjs';
import { resourceUsage } from 'node:process';
import { exportModel } from '@onnx-edge/export';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import type { NetworkName } from '@onnx-edge/core';

const [network, runsArg] = process.argv.slice(2) as [NetworkName, string];
await selectBackend('cpu', () => {}); // building and reading weights only: no kernel speed matters
const model = buildNetwork(network, { seed: 7 });
let tfjsWeightBytes = 0;
let tfjsModelJsonBytes = 0;
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  const weights = artifacts.weightData;
  tfjsWeightBytes = Array.isArray(weights) ? weights.reduce((s, b) => s + b.byteLength, 0) : (weights?.byteLength ?? 0);
  const { weightData: _, ...json } = artifacts; // model.json holds everything but the binary weights
  tfjsModelJsonBytes = Buffer.byteLength(JSON.stringify({ modelTopology: json.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: json.weightSpecs }], format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy }));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
const rssBefore = process.memoryUsage().rss;
const timesMs: number[] = [];
let onnxBytes = 0;
for (let i = 0; i < Number(runsArg); i++) {
  const started = performance.now();
  onnxBytes = exportModel(model).bytes.byteLength;
  timesMs.push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify({ network, timesMs, onnxBytes, tfjsWeightBytes, tfjsModelJsonBytes, rssBeforeBytes: rssBefore, maxRssBytes: resourceUsage().maxRSS * 1024 })}\n`);
