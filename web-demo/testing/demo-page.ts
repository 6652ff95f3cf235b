// Drives the demo page the way a person does (file picker, drag and drop) and reads what it shows. The
// page exposes its state in the DOM: body[data-state], #runtime[data-ep], and per bar data-label/-index/
// -probability with the full float value.
import type { Page } from 'playwright-core';
import type { Prediction } from '@onnx-edge/core';

// The callbacks below run inside the page. The test project is type-checked without the DOM library, so
// these module-scoped declarations describe the few browser objects they touch.
interface PageElement {
  dataset: Record<string, string | undefined>;
  dispatchEvent(event: unknown): boolean;
  getBoundingClientRect(): { width: number; top: number; bottom: number };
}
declare const document: { body: PageElement; activeElement: { blur?(): void } | null; getElementById(id: string): PageElement | null };
declare const innerHeight: number;
declare const DataTransfer: new () => { items: { add(file: File | string, type?: string): void } };
declare const DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
declare const ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;

export type DemoState = 'loading-model' | 'ready' | 'classifying' | 'done' | 'error';

export async function waitForState(page: Page, states: DemoState[], timeout = 60_000): Promise<DemoState> {
  await page.waitForFunction((wanted) => (wanted as string[]).includes(document.body.dataset.state ?? ''), states, { timeout });
  return (await page.evaluate(() => document.body.dataset.state)) as DemoState;
}

/** Picks a file through the page's <input type=file>. */
export async function pickFile(page: Page, name: string, bytes: Buffer, mimeType: string): Promise<void> {
  await page.setInputFiles('#file', { name, mimeType, buffer: bytes });
}

export interface DroppedFile { name: string; bytes: Buffer; mimeType: string }

/**
 * A real drag and drop: dragenter, dragover and drop events carrying a DataTransfer with the files (none:
 * only a line of text, as when a link is dragged).
 */
export async function dropFiles(page: Page, files: DroppedFile[]): Promise<void> {
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const { name, base64, mimeType } of files) {
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: mimeType }));
    }
    if (files.length === 0) transfer.items.add('https://example.org/cat.png', 'text/uri-list');
    const zone = document.getElementById('drop-zone')!;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files.map(({ name, bytes, mimeType }) => ({ name, base64: bytes.toString('base64'), mimeType })));
}

export function dropFile(page: Page, name: string, bytes: Buffer, mimeType: string): Promise<void> {
  return dropFiles(page, [{ name, bytes, mimeType }]);
}

/** A paste (Ctrl+V) whose clipboard holds the file, as when an image is copied from another app. */
export async function pasteFile(page: Page, name: string, bytes: Buffer, mimeType: string): Promise<void> {
  await page.evaluate(({ name, base64, mimeType }) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const clipboard = new DataTransfer();
    clipboard.items.add(new File([data], name, { type: mimeType }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
  }, { name, base64: bytes.toString('base64'), mimeType });
}

export type InputRoute = 'picker' | 'drop' | 'paste';
const ROUTES = { picker: pickFile, drop: dropFile, paste: pasteFile } as const;

/** Runs `act` and waits for the outcome it causes ('done' or 'error'), never mistaking an earlier one for it. */
export async function outcomeOf(page: Page, act: () => Promise<unknown>): Promise<DemoState> {
  await page.evaluate(() => { document.body.dataset.state = 'submitting'; });
  await act();
  return waitForState(page, ['done', 'error']);
}

/** Classifies one file and waits for the outcome; `via` chooses how the file reaches the page. */
export function classifyInPage(page: Page, name: string, bytes: Buffer, mimeType: string, via: InputRoute): Promise<DemoState> {
  return outcomeOf(page, () => ROUTES[via](page, name, bytes, mimeType));
}

/** Picks another model in the selector and waits until it is loaded ('ready') or failed ('error'). */
export async function switchModel(page: Page, name: string): Promise<DemoState> {
  await page.evaluate(() => { document.body.dataset.state = 'switching'; });
  await page.selectOption('#model-select', name);
  return waitForState(page, ['ready', 'error'], 90_000);
}

/** Clicks the example image whose file name ends with `file` (e.g. '-circle.png') and waits for the outcome. */
export function classifyExample(page: Page, file: string): Promise<DemoState> {
  return outcomeOf(page, () => page.click(`#example-list button[data-file$="${file}"]`));
}

export function readPredictions(page: Page): Promise<Prediction[]> {
  return page.$$eval('#bars li', (items) => items.map((item) => {
    const data = (item as unknown as PageElement).dataset;
    return { label: data.label ?? '', index: Number(data.index), probability: Number(data.probability) };
  }));
}

/** Width in CSS pixels of each bar's fill, to prove the bars are really drawn. */
export function barFillWidths(page: Page): Promise<number[]> {
  return page.$$eval('#bars .bar-fill', (fills) => fills.map((fill) => (fill as unknown as PageElement).getBoundingClientRect().width));
}

/** The error message the page shows, or undefined when none is visible. */
export async function visibleError(page: Page): Promise<string | undefined> {
  const error = page.locator('#error');
  return (await error.isVisible()) ? ((await error.locator('#error-message').textContent()) ?? '') : undefined;
}

export function executionProvider(page: Page): Promise<string | undefined> {
  return page.$eval('#runtime', (runtime) => (runtime as unknown as PageElement).dataset.ep);
}

/** Waits until the page has tried to cache itself for offline reloads; 'ready' when it succeeded. */
export async function waitForOfflineCache(page: Page, timeout = 30_000): Promise<string> {
  await page.waitForFunction(() => document.body.dataset.offline !== undefined, null, { timeout });
  return (await page.evaluate(() => document.body.dataset.offline)) ?? '';
}

/** Moves the keyboard focus off the page's controls (a focused drop zone is drawn highlighted). */
export async function blurFocus(page: Page): Promise<void> {
  await page.evaluate(() => document.activeElement?.blur?.());
}

/** Waits until the element with this id lies wholly inside the viewport (a smooth scroll may still be moving). */
export async function waitUntilInView(page: Page, id: string, timeout = 5000): Promise<void> {
  await page.waitForFunction((id) => {
    const box = document.getElementById(id as string)?.getBoundingClientRect();
    return box !== undefined && box.top >= 0 && box.bottom <= innerHeight;
  }, id, { timeout });
}
