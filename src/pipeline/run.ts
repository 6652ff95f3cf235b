// `onnx-edge pipeline`: data → train → export → verify → model repository → server with the web demo. Each
// step says what it does and what it wrote; a finished run is reused, an interrupted one resumes.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Precision } from '@onnx-edge/export/quantize';
import { settingsFromEnv, startServer, writeModelToRepository, type RunningServer } from '@onnx-edge/serve';
import { createProgressPrinter, releaseBackend, selectBackend, trainModel } from '@onnx-edge/train';
import { resolveData, type ResolvedData } from './data-auto.ts';
import { displayPath } from './display-path.ts';
import { exportAndVerify } from '../exporting/export-and-verify.ts';
import { heldOutImages } from './held-out.ts';
import { quantizeRun } from './quantize-step.ts';
import { sizeTraining, type AskedSize } from './machine-sizing.ts';
import { forgetRecord, reusableRecord, runFolderName, writeRecord, type RunOutcome, type RunRecord, type RunRequest } from './run-record.ts';
import { formatPipelineSummary } from './summary.ts';
import { demoWebRoot } from '../serving/demo-web-root.ts';
import type { BackendChoice, KernelChoice, NetworkName, Variant } from '@onnx-edge/core';

export interface PipelineOptions extends AskedSize {
  model: NetworkName;
  variant?: Variant;
  data?: string;
  valData?: string;
  batchSize?: number;
  backend?: BackendChoice;
  kernels?: KernelChoice;
  /** Images BatchNorm statistics are re-estimated on after each epoch (trainModel's default when undefined; 0 = off). */
  preciseBnImages?: number;
  /** Folder of run folders (default runs). */
  out: string;
  /** Model repository (default <out>/model-repository). */
  repo?: string;
  /** Also write and serve an int8 or fp16 version beside the float model. */
  precision?: Precision;
  host: string;
  port: number;
  retrain: boolean;
  serve: boolean;
  /** Plugin modules for custom layer classes, loaded for the export and its verification. */
  plugins?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface PipelineResult {
  runDir: string;
  record: RunRecord;
  reused: boolean;
  summary: string[];
  server?: RunningServer;
}

/** Images the export is verified on: held-out real images where there are some, 100 by default. */
export const VERIFY_COUNT = 100;
/** Images a quantized model is compared with the float one on: enough that one image is 0.1 accuracy points. */
export const QUANTIZED_VERIFY_COUNT = 1000;

export const defaultRepository = (out: string) => join(out, 'model-repository');

/** The served labels say when the model never saw a real photo. */
function servedLabels(classNames: string[], data: ResolvedData): string[] {
  return data.dataset === 'synthetic' ? classNames.map((name) => `${name} (synthetic)`) : classNames;
}

async function train(options: PipelineOptions, data: ResolvedData, request: RunRequest, runDir: string, sizing: ReturnType<typeof sizeTraining>, chosenBackend: BackendChoice, log: (line: string) => void): Promise<RunRecord> {
  const trained = await trainModel(
    {
      model: options.model,
      variant: options.variant,
      data: data.source,
      valData: options.valData,
      epochs: sizing.epochs,
      batchSize: sizing.batchSize,
      limit: sizing.limit,
      valLimit: sizing.valLimit,
      outDir: runDir,
      // The backend the pipeline already chose, by name, so training does not probe every candidate again.
      backend: chosenBackend,
      kernels: options.kernels,
      fresh: options.retrain,
      preciseBnImages: options.preciseBnImages,
    },
    {
      onProgress: createProgressPrinter(process.stdout),
      log: (line) => {
        if (line.startsWith('backend: ')) return; // printed once already, when the pipeline chose it
        // trainModel speaks of its own flag; the pipeline's equivalent is --retrain.
        log(line.replace('--fresh', '--retrain'));
      },
    },
  );
  const history = trained.history.epochs;
  const best = history.find((e) => e.epoch === trained.history.best_epoch) ?? history.at(-1)!;
  const classNames = JSON.parse(readFileSync(join(runDir, 'labels.json'), 'utf8')) as string[];
  const labels = servedLabels(classNames, data);
  const heldOut = await heldOutImages({ runDir, data: data.source, valData: options.valData, limit: sizing.limit, count: VERIFY_COUNT });
  const exported = await exportAndVerify({
    source: join(runDir, 'tfjs'),
    output: join(runDir, 'model.onnx'),
    contract: { labels, dataset: data.dataset },
    plugins: options.plugins,
    verify: { dataDir: heldOut.path, count: heldOut.count, description: heldOut.description },
    onParity: (parity) => log(`verify: max |Δ| ${parity.maxAbsDiff.toExponential(2)}${parity.top1Agreement === undefined ? '' : `, top-1 agreement ${(parity.top1Agreement * 100).toFixed(1)}%`} on ${parity.count} images`),
    log: (step, line) => log(`${step}: ${line}`),
    displayPath,
  });
  const outcome: RunOutcome = {
    dataset: data.dataset,
    dataDescription: data.description,
    backend: `${trained.backend.name} — ${trained.backend.reason}`,
    kernels: `${trained.kernels.name} — ${trained.kernels.reason}`,
    epochsTrained: history.length,
    trainImages: trained.data.trainImages,
    bestEpoch: best.epoch,
    valAccuracy: best.val_accuracy,
    validationSource: trained.data.validationSource,
    imagesPerSecond: history.reduce((n, e) => n + e.images_per_second, 0) / history.length,
    parity: exported.parity!, // verify was requested: a failed check threw
    paritySource: heldOut.description,
    onnxBytes: exported.bytes.length,
    opset: exported.report.opset,
    parameters: exported.report.parameters,
    labels,
    inputName: exported.report.inputs[0]!.name,
    outputNames: exported.report.outputs.map((o) => o.name),
    finishedAt: new Date().toISOString(),
  };
  const record = { request, outcome };
  await writeRecord(runDir, record);
  return record;
}

export async function runPipeline(options: PipelineOptions, log: (line: string) => void = console.log): Promise<PipelineResult> {
  const env = options.env ?? process.env;
  log('onnx-edge pipeline: data → train → export → verify → serve');
  const data = await resolveData({ data: options.data, env, log });
  log(`data: ${data.description}`);
  if (options.precision === 'int8' && data.dataset === 'synthetic') {
    throw new Error('--precision int8 calibrates on real images, and the data is the synthetic set: give --data a CIFAR-10 folder (or use --precision fp16)');
  }

  const backend = await selectBackend(options.backend ?? 'auto', log);
  const sizing = sizeTraining(backend, options);
  // trainModel selects the backend itself; free this selection first (a WebGPU device must not be held twice).
  await releaseBackend(backend);

  const request: RunRequest = {
    model: options.model,
    variant: options.variant ?? 'seed',
    data: data.source,
    valData: options.valData ? resolve(options.valData) : null,
    limit: sizing.limit ?? null,
    valLimit: sizing.valLimit ?? null,
    batchSize: sizing.batchSize ?? null,
    epochs: sizing.epochs,
  };
  const runDir = resolve(options.out, runFolderName(request, data.dataset));
  const onnxPath = join(runDir, 'model.onnx');
  if (options.retrain) forgetRecord(runDir);
  let record = options.retrain ? undefined : reusableRecord(runDir, request, onnxPath);
  const reused = record !== undefined;
  if (record) {
    log(`train: reusing the finished run in ${displayPath(runDir)} (${record.outcome.epochsTrained} epochs, ${record.outcome.finishedAt}); --retrain trains again`);
  } else {
    log(`train: ${sizing.explanation}`);
    if (sizing.more) log(`train: ${sizing.more}`);
    log(`train: run folder ${displayPath(runDir)} (an interrupted run resumes from its checkpoint: run the same command again)`);
    record = await train(options, data, request, runDir, sizing, backend.name as BackendChoice, log);
  }

  const repo = resolve(options.repo ?? defaultRepository(options.out));
  const written = await writeModelToRepository({
    repo,
    name: options.model,
    onnxBytes: readFileSync(onnxPath),
    labels: record.outcome.labels,
  });
  log(`repository: wrote ${[written.modelPath, written.configPath, written.labelsPath].filter((p) => p !== undefined).map((p) => displayPath(p)).join(', ')}`);
  if (options.precision) {
    const heldOut = await heldOutImages({ runDir, data: data.source, valData: options.valData, limit: sizing.limit, count: QUANTIZED_VERIFY_COUNT });
    await quantizeRun({ runDir, precision: options.precision, trainingData: data.source, heldOut, repo, name: options.model, labels: record.outcome.labels, log });
  }

  let server: RunningServer | undefined;
  if (options.serve) {
    const webRoot = demoWebRoot(undefined, log);
    server = await startServer({ repo, host: options.host, port: options.port, webRoot, logLevel: settingsFromEnv(env).logLevel ?? 'warn' }).catch((err: Error) => {
      // The run and the repository are done; only the port is taken. Say how to pick another one.
      if (!/EADDRINUSE/.test(err.message)) throw err;
      throw new Error(`${err.message}: another program uses port ${options.port}; pass another one (npm start -- --port 8081), or --port 0 for any free port`);
    });
  }
  const summary = formatPipelineSummary({
    outcome: record.outcome,
    reused,
    sizing: sizing.explanation,
    more: sizing.more,
    runDir: displayPath(runDir),
    onnxPath: displayPath(onnxPath),
    repositoryModel: displayPath(written.dir),
    url: server?.url,
  });
  return { runDir, record, reused, summary, server };
}
