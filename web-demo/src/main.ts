// The demo's controller: loads the chosen model, takes images (drop, picker, paste), classifies them in the
// browser and hands everything to the view. Every failure ends in a message on the page and a usable demo.
import { IMAGE_SIZE, type InputLayout, labelsFromMetadata, METADATA_KEYS, readOnnxMetadata, topK } from '@onnx-edge/core';
import { decodeForNetwork, InputError, type NetworkImage } from './decode.ts';
import { listModels, loadModelBytes, ModelError, type ModelEntry } from './model-store.ts';
import { enableOfflineReload } from './offline.ts';
import { Fp16Unavailable, loadModel, quantizationOf, releaseModel, requestedProvider, serialized, timeInference, type LoadedModel } from './runtime.ts';
import * as view from './view.ts';

const TOP_K = 5;
/** Inferences per image; their median is the steady inference time. */
const STEADY_RUNS = 5;

interface ActiveModel { entry: ModelEntry; model: LoadedModel; labels: string[] }

const forcedProvider = requestedProvider(location.search);
let models: ModelEntry[] = [];
/** Resolves to the usable model, or undefined when loading it failed (the page then shows why). */
let activeModel: Promise<ActiveModel | undefined> = Promise.resolve(undefined);
let lastImage: { file: Blob; name: string } | undefined;
/** Bumped per classification so a slow, older one never overwrites a newer result. */
let classification = 0;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function start(): Promise<void> {
  view.clearError();
  view.setState('loading-model', 'Looking up the server’s models…');
  try {
    models = await listModels();
  } catch (error) {
    view.setState('error', 'No model available.');
    view.showError(messageOf(error), { label: 'Retry', run: () => void start() });
    return;
  }
  const wanted = new URLSearchParams(location.search).get('model');
  const entry = models.find((model) => model.name === wanted) ?? models[0]!;
  view.showModels(models, entry.name);
  await activate(entry);
}

function activate(entry: ModelEntry): Promise<ActiveModel | undefined> {
  const previous = activeModel;
  activeModel = (async () => {
    const old = await previous;
    if (old) await releaseModel(old.model);
    return loadActiveModel(entry, old !== undefined);
  })();
  return activeModel;
}

/** `reclassify`: after a model switch, run the image on screen through the new model. */
async function loadActiveModel(entry: ModelEntry, reclassify: boolean): Promise<ActiveModel | undefined> {
  view.clearError();
  view.setState('loading-model', `Loading model ${entry.name}…`);
  try {
    const { bytes, fromCache } = await loadModelBytes(entry, (fraction) => {
      const progress = fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`;
      view.setState('loading-model', `Downloading model ${entry.name}…${progress}`);
    });
    const metadata = readOnnxMetadata(bytes);
    const labels = entry.labels?.length ? entry.labels : labelsFromMetadata(metadata);
    const declaredLayout = metadata[METADATA_KEYS.inputLayout] ?? entry.inputLayout ?? 'NCHW';
    const layout: InputLayout = declaredLayout.toUpperCase() === 'NHWC' ? 'NHWC' : 'NCHW';
    view.setState('loading-model', `Starting onnxruntime-web for ${entry.name}…`);
    const quantization = quantizationOf(metadata);
    const model = await loadModel(bytes, layout, forcedProvider, quantization.precision).catch(async (error: unknown) => {
      const float = models.find((m) => m.sha256 !== undefined && m.sha256 === quantization.floatModelSha256);
      if (!(error instanceof Fp16Unavailable) || !float) throw error;
      // The float original from the same server, in place of the fp16 model this browser cannot run.
      const fallback = await loadModel((await loadModelBytes(float, () => {})).bytes, layout, forcedProvider);
      return { ...fallback, provider: { ...fallback.provider, note: `${error.message}: running the float model ${float.name} instead.` } };
    });
    view.showProvider(model.provider, forcedProvider !== undefined);
    view.showLoadTimings(model.sessionMs, model.firstInferenceMs);
    view.showModelInfo(entry, labels, fromCache);
    const active = { entry, model, labels };
    view.setState('ready', `Model ${entry.name} is ready. Drop, paste or choose an image.`);
    // Everything the page needs has now been fetched once: cache it for offline reloads.
    void enableOfflineReload().then(view.showOfflineReady);
    if (reclassify && lastImage) void classify(lastImage.file, lastImage.name, Promise.resolve(active));
    return active;
  } catch (error) {
    const message = error instanceof ModelError ? error.message : `Model ${entry.name} could not be started: ${messageOf(error)}`;
    view.setState('error', 'The model is not loaded.');
    view.showError(message, { label: 'Retry', run: () => void activate(entry) });
    return undefined;
  }
}

function describe(image: NetworkImage, name: string): string {
  const kept = image.width === IMAGE_SIZE && image.height === IMAGE_SIZE ? 'used pixel for pixel' : `resized to ${IMAGE_SIZE}×${IMAGE_SIZE}`;
  return `${name} · ${image.format.toUpperCase()} ${image.width}×${image.height}, ${kept}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function classify(file: Blob, name: string, model: Promise<ActiveModel | undefined> = activeModel): Promise<void> {
  const ticket = ++classification;
  const current = () => ticket === classification;
  lastImage = { file, name };
  view.clearError();
  view.setState('classifying', `Reading ${name}…`);
  try {
    const image = await decodeForNetwork(file, name);
    if (!current()) return;
    view.showPreview(image.bitmap, describe(image, name));
    view.setState('classifying', `Classifying ${name}…`);
    const active = await model;
    if (!current()) return;
    if (!active) throw new ModelError('No model is loaded, so the image cannot be classified. Retry loading the model first.');
    const runs = await serialized(async () => {
      const results = [];
      for (let run = 0; run < STEADY_RUNS && current(); run++) results.push(await timeInference(active.model, image.pixels));
      return results;
    });
    if (!current()) return;
    const times = runs.map((run) => run.ms);
    const predictions = topK(runs[0]!.probabilities, TOP_K, active.labels);
    view.showPredictions(predictions);
    view.showSteadyTiming(median(times), STEADY_RUNS);
    const best = predictions[0]!;
    view.setState('done', `${name}: ${best.label} (${(best.probability * 100).toFixed(1)}%).`);
  } catch (error) {
    if (!current()) return;
    lastImage = undefined;
    view.clearPredictions();
    view.clearPreview();
    const known = error instanceof InputError || error instanceof ModelError;
    view.setState('error', `Could not classify ${name}.`);
    view.showError(known ? messageOf(error) : `Classifying “${name}” failed: ${messageOf(error)}`);
  }
}

function takeFiles(files: FileList | null | undefined, source: string): void {
  const file = files?.[0];
  if (!file) {
    view.setState('error', `Nothing to classify.`);
    view.showError(`The ${source} held no file. Drop or paste an image file (a link or text cannot be classified).`);
    return;
  }
  void classify(file, file.name || 'pasted image');
}

function wireInput(): void {
  view.ui.pick.addEventListener('click', () => view.ui.file.click());
  view.ui.dropZone.addEventListener('click', (event) => {
    if (event.target === view.ui.dropZone) view.ui.file.click();
  });
  view.ui.file.addEventListener('change', () => {
    if (!view.ui.file.files?.length) return; // the picker was cancelled
    takeFiles(view.ui.file.files, 'file picker');
    view.ui.file.value = ''; // picking the same file again must fire `change` again
  });
  // The whole window accepts drops, so a near miss does not navigate away from the demo.
  let dragDepth = 0;
  window.addEventListener('dragenter', (event) => {
    event.preventDefault();
    if (++dragDepth === 1) view.ui.dropZone.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => {
    if (--dragDepth <= 0) { dragDepth = 0; view.ui.dropZone.classList.remove('dragging'); }
  });
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    view.ui.dropZone.classList.remove('dragging');
    takeFiles(event.dataTransfer?.files, 'drop');
  });
  document.addEventListener('paste', (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    event.preventDefault();
    takeFiles(event.clipboardData?.files, 'clipboard');
  });
  view.ui.modelSelect.addEventListener('change', () => {
    const entry = models.find((model) => model.name === view.ui.modelSelect.value);
    if (entry) void activate(entry);
  });
}

wireInput();
void start();
