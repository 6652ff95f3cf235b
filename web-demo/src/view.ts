// Everything the page shows. The DOM carries machine-readable state for the end-to-end test: body
// data-state, data-ep on the runtime list, and per bar data-label/data-index/data-probability (full precision).
import { describeDataset, describeInput, describeOutput, type ModelContract, type Prediction } from '@onnx-edge/core';
import type { ModelEntry } from './model-store.ts';
import type { ExecutionProvider, ProviderReport, RuntimeDownload } from './runtime.ts';

export type PageState = 'loading-model' | 'ready' | 'classifying' | 'done' | 'error';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html lacks #${id}`);
  return found as T;
}

export const ui = {
  modelRow: element('model-row'),
  modelSelect: element<HTMLSelectElement>('model-select'),
  modelName: element('model-name'),
  modelInput: element('model-input'),
  modelOutput: element('model-output'),
  modelDataset: element('model-dataset'),
  status: element('status'),
  dropZone: element('drop-zone'),
  dropHint: element('drop-hint'),
  pick: element<HTMLButtonElement>('pick'),
  file: element<HTMLInputElement>('file'),
  examples: element('examples'),
  examplesTitle: element('examples-title'),
  exampleList: element<HTMLUListElement>('example-list'),
  error: element('error'),
  errorMessage: element('error-message'),
  errorAction: element<HTMLButtonElement>('error-action'),
  result: element('result'),
  preview: element<HTMLCanvasElement>('preview'),
  previewCaption: element('preview-caption'),
  predictionsEmpty: element('predictions-empty'),
  bars: element<HTMLOListElement>('bars'),
  epNote: element('ep-note'),
  epNoteText: element('ep-note-text'),
  epSwitch: element<HTMLAnchorElement>('ep-switch'),
  runtime: element('runtime'),
  epValue: element('rt-ep'),
  downloadValue: element('rt-download'),
  sessionValue: element('rt-session'),
  firstValue: element('rt-first'),
  steadyValue: element('rt-steady'),
  modelInfo: element('model-info'),
  offlineInfo: element('offline-info'),
};

export function setState(state: PageState, status: string): void {
  document.body.dataset.state = state;
  ui.status.textContent = status;
}

const formatMs = (ms: number): string => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
const formatPercent = (p: number): string => `${(p * 100).toFixed(p >= 0.1 ? 1 : 2)}%`;

/** One line per model for the selector: "emotion v1 — 64×64 grayscale … · 7 classes". */
function optionText(model: ModelEntry): string {
  const name = model.version ? `${model.name} (v${model.version})` : model.name;
  if (!model.contract) return name;
  const classes = model.contract.output.labels ? ` · ${model.contract.output.labels.length} classes` : ` · ${model.contract.output.kind}`;
  return `${name} — ${describeInput(model.contract.input)}${classes}`;
}

export function showModels(models: ModelEntry[], selected: string): void {
  ui.modelSelect.replaceChildren(...models.map((model) => {
    const option = new Option(optionText(model), model.name);
    option.selected = model.name === selected;
    return option;
  }));
  ui.modelRow.hidden = models.length < 2;
}

/** What the selected model takes, gives and was trained on: from the server's list first, from the file once read. */
export function showModelCard(model: ModelEntry, contract: ModelContract | undefined): void {
  ui.modelName.textContent = model.version ? `${model.name} v${model.version}` : model.name;
  ui.modelInput.textContent = contract ? describeInput(contract.input) : '—';
  ui.modelOutput.textContent = contract ? describeOutput(contract.output) : '—';
  ui.modelDataset.textContent = contract ? describeDataset(contract.dataset) : '—';
  ui.dropHint.textContent = contract?.input.kind === 'image'
    ? `PNG, JPEG, WebP or GIF, brought to what the model takes: ${describeInput(contract.input)}.`
    : 'PNG, JPEG, WebP or GIF, resized to what the model takes.';
}

export function showModelInfo(model: ModelEntry, fromCache: boolean): void {
  const version = model.version ? ` v${model.version}` : '';
  ui.modelInfo.textContent = `Model ${model.name}${version} · ${fromCache ? 'loaded from the browser cache (the server could not be reached)' : 'downloaded from the server and cached for offline use'}`;
}

export interface ExampleImage { file: string; label: string; url: string }

/** Example buttons for the model's dataset; none (hidden) when the build has no examples of it. */
export function showExamples(title: string | undefined, images: ExampleImage[], onPick: (image: ExampleImage) => void): void {
  ui.examples.hidden = images.length === 0;
  ui.examplesTitle.textContent = title ? `Click one: ${title}.` : '';
  ui.exampleList.replaceChildren(...images.map((image) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'example';
    button.dataset.file = image.file;
    button.setAttribute('aria-label', `Classify the example image “${image.label}”`);
    const picture = document.createElement('img');
    picture.src = image.url;
    picture.alt = '';
    picture.width = 48;
    picture.height = 48;
    const caption = document.createElement('span');
    caption.textContent = image.label;
    button.append(picture, caption);
    button.addEventListener('click', () => onPick(image));
    item.append(button);
    return item;
  }));
}

/** Marks (body data-offline) and says whether a reload will work without the server. */
export function showOfflineReady(ready: boolean): void {
  document.body.dataset.offline = ready ? 'ready' : 'unavailable';
  ui.offlineInfo.textContent = ready ? 'This page, the runtime and the model are cached: a reload works offline.' : '';
}

/** A link to this page with ?ep= set (or removed), keeping the other parameters (the model). */
function withProvider(ep: ExecutionProvider | undefined): string {
  const url = new URL(location.href);
  if (ep) url.searchParams.set('ep', ep);
  else url.searchParams.delete('ep');
  return url.pathname + url.search;
}

export function showProvider(provider: ProviderReport): void {
  ui.runtime.dataset.ep = provider.ran;
  const name = provider.ran === 'webgpu' ? 'WebGPU' : 'WebAssembly (WASM)';
  const detail = document.createElement('span');
  detail.className = 'detail';
  detail.textContent = provider.detail;
  ui.epValue.replaceChildren(name, detail);
  ui.epNote.hidden = !provider.note;
  ui.epNoteText.textContent = provider.note ?? '';
  ui.epSwitch.hidden = !provider.offer;
  ui.epSwitch.textContent = provider.offer?.label ?? '';
  ui.epSwitch.href = withProvider(provider.offer?.ep);
}

export function showLoadTimings(download: RuntimeDownload, sessionMs: number, firstInferenceMs: number): void {
  const detail = document.createElement('span');
  detail.className = 'detail';
  detail.textContent = `${(download.ms / 1000).toFixed(2)} s (WebAssembly binary)`;
  ui.downloadValue.replaceChildren(`${(download.bytes / 1e6).toFixed(1)} MB`, detail);
  ui.sessionValue.textContent = formatMs(sessionMs);
  ui.firstValue.textContent = formatMs(firstInferenceMs);
  ui.steadyValue.textContent = '— (classify an image)';
}

export function showSteadyTiming(medianMs: number, runs: number): void {
  const detail = document.createElement('span');
  detail.className = 'detail';
  detail.textContent = `median of ${runs} runs`;
  ui.steadyValue.replaceChildren(formatMs(medianMs), detail);
}

export function showPreview(image: ImageData, description: string): void {
  ui.preview.width = image.width;
  ui.preview.height = image.height;
  ui.preview.getContext('2d')?.putImageData(image, 0, 0);
  ui.preview.setAttribute('aria-label', `The image as the network sees it: ${description}`);
  ui.previewCaption.textContent = description;
}

export function showPredictions(predictions: Prediction[]): void {
  ui.predictionsEmpty.hidden = true;
  ui.bars.replaceChildren(...predictions.map((prediction) => {
    const item = document.createElement('li');
    item.className = 'bar';
    item.dataset.label = prediction.label;
    item.dataset.index = String(prediction.index);
    item.dataset.probability = String(prediction.probability);
    const label = document.createElement('span');
    label.className = 'bar-label';
    label.textContent = prediction.label;
    const value = document.createElement('span');
    value.className = 'bar-value';
    value.textContent = formatPercent(prediction.probability);
    const track = document.createElement('span');
    track.className = 'bar-track';
    track.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.className = 'bar-fill';
    fill.style.width = `${Math.max(0, Math.min(100, prediction.probability * 100))}%`;
    track.append(fill);
    item.append(label, value, track);
    return item;
  }));
}

/** Takes the last result off the page: it must never stand next to a later error or another model. */
export function clearResult(): void {
  ui.bars.replaceChildren();
  ui.predictionsEmpty.hidden = false;
  ui.preview.getContext('2d')?.clearRect(0, 0, ui.preview.width, ui.preview.height);
  ui.preview.setAttribute('aria-label', 'No image yet');
  ui.previewCaption.textContent = 'What the network sees';
}

/** Brings the result on screen where it lies below the fold (a phone, after a pick). */
export function revealResult(): void {
  const rect = ui.result.getBoundingClientRect();
  if (rect.top >= 0 && rect.bottom <= innerHeight) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  ui.result.scrollIntoView({ block: rect.height <= innerHeight ? 'end' : 'start', behavior: smooth ? 'smooth' : 'auto' });
}

/** Shows a problem in the page; `action` adds a button (e.g. Retry) that runs it. */
export function showError(message: string, action?: { label: string; run: () => void }): void {
  ui.errorMessage.textContent = message;
  ui.errorAction.hidden = !action;
  ui.errorAction.textContent = action?.label ?? '';
  ui.errorAction.onclick = action ? () => action.run() : null;
  ui.error.hidden = false;
}

export function clearError(): void {
  ui.error.hidden = true;
  ui.errorMessage.textContent = '';
  ui.errorAction.onclick = null;
}
