// Everything the page shows. The DOM carries machine-readable state for the end-to-end test: body
// data-state, data-ep on the runtime list, and per bar data-label/data-index/data-probability (full precision).
import type { Prediction } from '@onnx-edge/core';
import type { ModelEntry } from './model-store.ts';
import type { ProviderReport } from './runtime.ts';

export type PageState = 'loading-model' | 'ready' | 'classifying' | 'done' | 'error';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html lacks #${id}`);
  return found as T;
}

export const ui = {
  modelRow: element('model-row'),
  modelSelect: element<HTMLSelectElement>('model-select'),
  status: element('status'),
  dropZone: element('drop-zone'),
  pick: element<HTMLButtonElement>('pick'),
  file: element<HTMLInputElement>('file'),
  error: element('error'),
  errorMessage: element('error-message'),
  errorAction: element<HTMLButtonElement>('error-action'),
  preview: element<HTMLCanvasElement>('preview'),
  previewCaption: element('preview-caption'),
  predictionsEmpty: element('predictions-empty'),
  bars: element<HTMLOListElement>('bars'),
  epNote: element('ep-note'),
  runtime: element('runtime'),
  epValue: element('rt-ep'),
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

export function showModels(models: ModelEntry[], selected: string): void {
  ui.modelSelect.replaceChildren(...models.map((model) => {
    const option = new Option(model.version ? `${model.name} (v${model.version})` : model.name, model.name);
    option.selected = model.name === selected;
    return option;
  }));
  ui.modelRow.hidden = models.length < 2;
}

export function showModelInfo(model: ModelEntry, labels: readonly string[], fromCache: boolean): void {
  const version = model.version ? ` v${model.version}` : '';
  ui.modelInfo.textContent = `Model ${model.name}${version} · ${labels.length} classes · ${fromCache ? 'loaded from the browser cache (the server could not be reached)' : 'downloaded from the server and cached for offline use'}`;
}

/** Marks (body data-offline) and says whether a reload will work without the server. */
export function showOfflineReady(ready: boolean): void {
  document.body.dataset.offline = ready ? 'ready' : 'unavailable';
  ui.offlineInfo.textContent = ready ? 'This page, the runtime and the model are cached: a reload works offline.' : '';
}

export function showProvider(provider: ProviderReport, forced: boolean): void {
  ui.runtime.dataset.ep = provider.ran;
  const name = provider.ran === 'webgpu' ? 'WebGPU' : 'WebAssembly (WASM)';
  const detail = document.createElement('span');
  detail.className = 'detail';
  detail.textContent = forced ? `${provider.detail} · chosen by ?ep=${provider.ran}` : provider.detail;
  ui.epValue.replaceChildren(name, detail);
  ui.epNote.hidden = !provider.note;
  ui.epNote.textContent = provider.note ?? '';
}

export function showLoadTimings(sessionMs: number, firstInferenceMs: number): void {
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

export function showPreview(bitmap: ImageBitmap, description: string): void {
  const context = ui.preview.getContext('2d');
  context?.clearRect(0, 0, ui.preview.width, ui.preview.height);
  context?.drawImage(bitmap, 0, 0);
  ui.preview.setAttribute('aria-label', `The image as the network sees it: ${description}`);
  ui.previewCaption.textContent = description;
}

export function clearPreview(): void {
  ui.preview.getContext('2d')?.clearRect(0, 0, ui.preview.width, ui.preview.height);
  ui.preview.setAttribute('aria-label', 'No image yet');
  ui.previewCaption.textContent = 'What the network sees (32×32)';
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

export function clearPredictions(): void {
  ui.bars.replaceChildren();
  ui.predictionsEmpty.hidden = false;
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
