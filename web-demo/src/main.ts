// The demo's controller: loads the chosen model and reads its contract (what input it takes, what its output
// means, what it was trained on), takes images (drop, picker, paste, an example), classifies them in the
// browser and hands everything to the view. Every failure ends in a message on the page, with no earlier
// result left beside it, and a usable demo.
import {
  ContractError, contractFromMetadata, describeInput, describeOutput, isImageClassifier, readOnnxMetadata, topK,
  type ImageInput, type ModelContract,
} from '@onnx-edge/core';
import { decodeForNetwork, InputError, type NetworkImage } from './decode.ts';
import { formatProgress, type Progress } from './download.ts';
import { examplesFor } from './examples.ts';
import { listModels, loadModelBytes, ModelError, type ModelEntry } from './model-store.ts';
import { enableOfflineReload } from './offline.ts';
import { Fp16Unavailable, loadModel, quantizationOf, releaseModel, requestedProvider, serialized, timeInference, type LoadedModel } from './runtime.ts';
import * as view from './view.ts';

const TOP_K = 5;
/** Inferences per image; their median is the steady inference time. */
const STEADY_RUNS = 5;

type ClassifierContract = ModelContract & { input: ImageInput };
interface ActiveModel { entry: ModelEntry; model: LoadedModel; contract: ClassifierContract; labels: readonly string[] }

/** A model this page cannot run (not an image classifier): retrying would not help. */
class UnsupportedModelError extends ModelError {
  override name = 'UnsupportedModelError';
}

const forcedProvider = requestedProvider(location.search);
let models: ModelEntry[] = [];
/** Resolves to the usable model, or undefined when loading it failed (the page then shows why). */
let activeModel: Promise<ActiveModel | undefined> = Promise.resolve(undefined);
let lastImage: { file: Blob; name: string } | undefined;
/** Bumped per model shown, so examples that arrive late for a model switched away from are not shown. */
let examplesShown = 0;
/** Bumped per classification so a slow, older one never overwrites a newer result. */
let classification = 0;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Shows a failure: the last result leaves the page (a model switch does not bring it back), the message and its action (Retry) appear. */
function fail(status: string, message: string, action?: { label: string; run: () => void }): void {
  lastImage = undefined;
  view.clearResult();
  view.setState('error', status);
  view.showError(message, action);
}

async function start(): Promise<void> {
  view.clearError();
  view.setState('loading-model', 'Looking up the server’s models…');
  try {
    models = await listModels();
  } catch (error) {
    fail('No model available.', messageOf(error), { label: 'Retry', run: () => void start() });
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

/** The contract in the model's file; labels.txt's labels (from the server's list) replace its own. */
function contractOf(entry: ModelEntry, bytes: Uint8Array): ModelContract {
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (error) {
    throw new ModelError(`Model “${entry.name}” is not an ONNX file (${messageOf(error)}). Pick another model.`);
  }
  const contract = contractFromMetadata(metadata);
  const scores = contract.output.kind === 'probabilities' || contract.output.kind === 'logits';
  return scores && entry.labels?.length ? { ...contract, output: { ...contract.output, labels: entry.labels } } : contract;
}

async function showExamples(contract: ModelContract | undefined): Promise<void> {
  const ticket = ++examplesShown;
  const set = contract && isImageClassifier(contract) ? await examplesFor(contract.dataset) : undefined;
  if (ticket !== examplesShown) return;
  view.showExamples(set?.title, set?.images ?? [], (image) => void classifyExample(image.url, image.file.split('/').pop()!));
}

/** `reclassify`: after a model switch, run the image on screen through the new model. */
async function loadActiveModel(entry: ModelEntry, reclassify: boolean): Promise<ActiveModel | undefined> {
  view.clearError();
  view.clearResult();
  view.showModelCard(entry, entry.contract);
  void showExamples(undefined);
  view.setState('loading-model', `Downloading model ${entry.name}…`);
  try {
    const { bytes, fromCache } = await loadModelBytes(entry, (progress) => {
      view.setState('loading-model', `Downloading model ${entry.name}… ${formatProgress(progress)}`);
    });
    const contract = contractOf(entry, bytes);
    view.showModelCard(entry, contract);
    if (!isImageClassifier(contract)) {
      throw new UnsupportedModelError(`Model “${entry.name}” is not an image classifier: it takes ${describeInput(contract.input)} and gives ${describeOutput(contract.output)}. This page classifies images; send the model its tensors through the server's KServe v2 API (POST /v2/models/${entry.name}/infer).`);
    }
    void showExamples(contract);
    view.setState('loading-model', `Starting onnxruntime-web for ${entry.name}…`);
    const hooks = {
      onRuntimeProgress: (progress: Progress) => view.setState('loading-model', `Downloading onnxruntime-web’s WebAssembly runtime… ${formatProgress(progress)}`),
      onSessionStart: () => view.setState('loading-model', `Creating the onnxruntime-web session for ${entry.name}…`),
    };
    const quantization = quantizationOf(readOnnxMetadata(bytes));
    const model = await loadModel(bytes, contract, forcedProvider, hooks, quantization.precision).catch(async (error: unknown) => {
      const float = models.find((m) => m.sha256 !== undefined && m.sha256 === quantization.floatModelSha256);
      if (!(error instanceof Fp16Unavailable) || !float) throw error;
      // The float original from the same server, in place of the fp16 model this browser cannot run.
      const fallback = await loadModel((await loadModelBytes(float, () => {})).bytes, contract, forcedProvider, hooks);
      return { ...fallback, provider: { ...fallback.provider, note: `${error.message}: running the float model ${float.name} instead.` } };
    });
    view.showProvider(model.provider);
    view.showLoadTimings(model.runtimeDownload, model.sessionMs, model.firstInferenceMs);
    view.showModelInfo(entry, fromCache);
    const active = { entry, model, contract, labels: contract.output.labels ?? [] };
    view.setState('ready', `Model ${entry.name} is ready. Drop, paste or choose an image, or click an example.`);
    // Everything the page needs has now been fetched once: cache it for offline reloads.
    void enableOfflineReload().then(view.showOfflineReady);
    if (reclassify && lastImage) void classify(lastImage.file, lastImage.name, undefined, Promise.resolve(active));
    return active;
  } catch (error) {
    const known = error instanceof ModelError || error instanceof ContractError;
    const message = known ? messageOf(error) : `Model ${entry.name} could not be started: ${messageOf(error)}`;
    fail('The model is not loaded.', message, error instanceof UnsupportedModelError ? undefined : { label: 'Retry', run: () => void activate(entry) });
    return undefined;
  }
}

function describe(image: NetworkImage, name: string, input: ImageInput): string {
  const kept = image.width === image.size.width && image.height === image.size.height ? 'used pixel for pixel' : `resized to ${image.size.width}×${image.size.height}`;
  const gray = input.color === 'GRAY' ? ', grayscale' : '';
  return `${name} · ${image.format.toUpperCase()} ${image.width}×${image.height}, ${kept}${gray}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `note`: said with the outcome (e.g. that only the first of several files was used). */
async function classify(file: Blob, name: string, note?: string, model: Promise<ActiveModel | undefined> = activeModel): Promise<void> {
  const ticket = ++classification;
  const current = () => ticket === classification;
  const noted = (line: string) => (note ? `${line} ${note}` : line);
  lastImage = { file, name };
  view.clearError();
  view.setState('classifying', noted(`Reading ${name}…`));
  try {
    const active = await model;
    if (!current()) return;
    if (!active) throw new ModelError('No model is loaded, so the image cannot be classified. Retry loading the model first.');
    const image = await decodeForNetwork(file, name, active.contract.input);
    if (!current()) return;
    view.showPreview(image.preview, describe(image, name, active.contract.input));
    view.setState('classifying', noted(`Classifying ${name}…`));
    const runs = await serialized(async () => {
      const results = [];
      for (let run = 0; run < STEADY_RUNS && current(); run++) results.push(await timeInference(active.model, image.pixels, image.size));
      return results;
    });
    if (!current()) return;
    const predictions = topK(runs[0]!.probabilities, TOP_K, active.labels);
    view.showPredictions(predictions);
    view.showSteadyTiming(median(runs.map((run) => run.ms)), STEADY_RUNS);
    const best = predictions[0]!;
    view.setState('done', noted(`${name}: ${best.label} (${(best.probability * 100).toFixed(1)}%).`));
    view.revealResult();
  } catch (error) {
    if (!current()) return;
    const known = error instanceof InputError || error instanceof ModelError;
    fail(noted(`Could not classify ${name}.`), known ? messageOf(error) : `Classifying “${name}” failed: ${messageOf(error)}`);
  }
}

async function classifyExample(url: string, name: string): Promise<void> {
  let image: Blob;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    image = await response.blob();
  } catch (error) {
    fail(`Could not load the example ${name}.`, `The example image ${name} could not be fetched (${messageOf(error)}). Check the connection to the server.`);
    return;
  }
  await classify(image, name);
}

const VERBS = { 'file picker': 'chosen', drop: 'dropped', clipboard: 'pasted' } as const;

function takeFiles(files: FileList | null | undefined, source: keyof typeof VERBS): void {
  const file = files?.[0];
  if (!file) {
    fail('Nothing to classify.', `The ${source} held no file. Drop or paste an image file (a link or text cannot be classified).`);
    return;
  }
  const name = file.name || 'pasted image';
  const note = files.length > 1 ? `${files.length} files were ${VERBS[source]}; one image is classified at a time, so the first, “${name}”, was used.` : undefined;
  void classify(file, name, note);
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
